"""The office's pages (by login): accounts, rounds, the dashboard, decisions, the outputs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reportgen.web import library as lib
from reportgen.web import services as svc
from reportgen.web.forms import AccountForm, DecisionForm, RoundForm
from reportgen.web.middleware import (LOGINS_PER_ADDRESS, TOO_MANY, client_address,
                         plain)
from reportgen.web.models import ACCEPT, RETURN, STATUSES, Agency, Event, Invite, Round, Version, status_of
from reportgen.web.views import (REPORT_FORMATS, XLSX, NotFound, _annotated, _report, _versions, _with_scratch,
                                 download)


# =========================================================================== accounts
@require_http_methods(["GET", "POST"])
def invite(request, token: str):
    found = Invite.objects.filter(token_hash=svc.token_hash(token), used_at__isnull=True).first()
    if found is None:
        raise NotFound("这个链接已经用过或无效。")
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        User = get_user_model()
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc)
        if User.objects.filter(username=form.cleaned_data["username"]).exists():
            form.add_error("username", "这个用户名已被使用。")
        if not form.errors:
            with transaction.atomic():
                if Invite.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=timezone.now()) != 1:
                    raise NotFound("这个链接已经用过或无效。")
                user = User.objects.create_user(form.cleaned_data["username"], password=form.cleaned_data["password"],
                                                is_staff=found.administrator)
                svc.log("account-created", user.get_username(), client_address(request),
                        detail="管理员" if found.administrator else "查看者")
            login(request, user)
            return HttpResponseRedirect("/office/")
    return render(request, "web/invite.html", {"form": form, "administrator": found.administrator})


@require_http_methods(["GET", "POST"])
def office_login(request):
    error = ""
    if request.method == "POST":
        address = client_address(request)
        if not LOGINS_PER_ADDRESS.allow(address):
            return plain(429, TOO_MANY)
        user = authenticate(request, username=request.POST.get("username", ""),
                            password=request.POST.get("password", ""))
        if user is not None:
            login(request, user)
            svc.log("login", user.get_username(), address)
            target = request.GET.get("next", "/office/")
            return HttpResponseRedirect(target if target.startswith("/office/") else "/office/")
        # Only a real account's name is logged: whatever else was typed there may be a password.
        typed = request.POST.get("username", "")
        known = get_user_model().objects.filter(username=typed).exists()
        svc.log("login-failed", typed if known else "（不存在的用户名）", address,
                detail="密码不正确" if known else "用户名不存在")
        error = "用户名或密码不正确。"
    return render(request, "web/login.html", {"error": error})


@require_POST
def office_logout(request):
    logout(request)
    return HttpResponseRedirect("/office/login")


def administrator(view):
    """Office pages that change something: administrators only (viewers read)."""
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("只有管理员可以这样做。")
        return view(request, *args, **kwargs)
    return wrapped


# =========================================================================== office pages
@login_required
@require_GET
def office_home(request):
    return render(request, "web/office.html", {"rounds": Round.objects.all()})


@administrator
@require_http_methods(["GET", "POST"])
def round_new(request):
    form = RoundForm(request.POST or None, request.FILES or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        names = [n for n in (data.get("names") or "").splitlines() if n.strip()]
        if data.get("roster"):
            with svc.scratch() as folder:
                suffix = Path(data["roster"].name or "").suffix.lower()
                # our own name, with the sender's suffix only when it is one a roster may have
                path = folder / f"名单{suffix if suffix in ('.xlsx', '.csv', '.txt') else '.bin'}"
                with open(path, "wb") as handle:
                    for chunk in data["roster"].chunks():
                        handle.write(chunk)
                try:
                    names += lib.read_roster(path, (data.get("column") or "").strip() or None,
                                             option="“机关名称所在的列”").names
                except lib.UnusableInput as exc:
                    form.add_error("roster", str(exc))
        last_year = None
        if not form.errors and data.get("last_year"):
            # Read, stored and checked before the transaction (seconds of work would hold SQLite's write lock);
            # a zip that cannot be read leaves no round behind.
            try:
                last_year = svc.read_last_year(data["last_year"], data["last_year"].name or "上年.zip", data["year"])
            except lib.UnusableInput as exc:
                form.add_error("last_year", str(exc))
        if not form.errors:
            with transaction.atomic():
                rnd = svc.create_round(data["name"], data["office"], data["year"], data["deadline"], names,
                                       request.user, client_address(request))
                if last_year is not None:
                    done, skipped = svc.import_last_year(rnd, last_year, request.user, client_address(request))
                    request.session[f"round-note-{rnd.pk}"] = (
                        f"已导入上年的工作簿 {done} 份。" + (f"未导入：{'；'.join(skipped)}。" if skipped else ""))
            return HttpResponseRedirect(f"/office/rounds/{rnd.pk}/")
    return render(request, "web/round_new.html", {"form": form}, status=400 if form.errors else 200)


PAGE_ROWS = 200  # rows of the dashboard a page shows (counts and filters cover them all)


@dataclass
class Row:
    """One agency on the dashboard, from one query of plain values (thousands of rows)."""

    pk: int
    position: int
    name: str
    revoked: bool
    status: str
    errors: int | None
    warnings: int | None
    first_problem: str
    uploaded_at: dt.datetime | None
    versions: int


SORTS = {"position": lambda r: r.position, "name": lambda r: r.name, "status": lambda r: STATUSES.index(r.status),
         "errors": lambda r: -(r.errors if r.errors is not None else -1),
         "uploaded": lambda r: -(r.uploaded_at.timestamp() if r.uploaded_at else 0)}


def dashboard_rows(rnd: Round) -> list[Row]:
    fields = ("pk", "position", "name", "revoked_at", "first_opened_at", "versions_count", "latest__status",
              "latest__errors", "latest__warnings", "latest__first_problem", "latest__uploaded_at", "latest__decision")
    rows = []
    for (pk, position, name, revoked_at, opened, count, status, errors, warnings, first, uploaded,
         decision) in rnd.agencies.order_by("position").values_list(*fields):
        shown = status_of(opened is not None, status, warnings, decision)
        rows.append(Row(pk, position, name, revoked_at is not None, shown, errors, warnings,
                        (first[:117] + "……") if first and len(first) > 120 else (first or ""), uploaded, count))
    return rows


@login_required
@require_GET
def dashboard(request, pk: int):
    rnd = get_object_or_404(Round, pk=pk)
    agencies = dashboard_rows(rnd)
    counts = {s: 0 for s in STATUSES}
    for a in agencies:
        counts[a.status] += 1
    wanted = request.GET.get("status", "")
    late = request.GET.get("late") == "1"
    rows = [a for a in agencies if (not wanted or a.status == wanted) and (not late or a.uploaded_at is None)]
    sort = request.GET.get("sort", "position")
    rows.sort(key=SORTS.get(sort, SORTS["position"]))
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), pages)
    except ValueError:
        page = 1
    from django.utils.http import urlencode

    query = urlencode({k: v for k, v in (("status", wanted), ("sort", sort), ("late", "1" if late else "")) if v})
    return render(request, "web/dashboard.html", {
        "round": rnd, "rows": rows[(page - 1) * PAGE_ROWS:page * PAGE_ROWS], "shown": len(rows), "counts": counts,
        "note": request.session.pop(f"round-note-{rnd.pk}", ""),
        "total": len(agencies), "wanted": wanted, "sort": sort, "late": late,
        "past_deadline": timezone.localdate() > rnd.deadline, "statuses": STATUSES, "page": page, "pages": pages,
        "page_numbers": range(1, pages + 1), "query": query,
        "not_uploaded": sum(1 for a in agencies if a.uploaded_at is None)})


@administrator  # the sheet holds every agency's link: whoever has it can upload as any agency
@require_GET
def links_sheet(request, pk: int):
    rnd = get_object_or_404(Round, pk=pk)
    base = request.build_absolute_uri("/")[:-1]

    def build(folder: Path) -> Path:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "链接"
        ws.append(["序号", "机关名称", "报送链接", "状态"])
        for a in rnd.agencies.order_by("position"):
            row = [a.position, a.name, "" if a.revoked else f"{base}/a/{svc.link_token(a)}/",
                   "已停用" if a.revoked else ""]
            ws.append([None] * 4)
            for c, value in enumerate(row, start=1):
                lib.write_cell(ws.cell(row=ws.max_row, column=c), value)
        ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 36, 80
        target = folder / "links.xlsx"
        wb.save(target)
        return target

    svc.log("links-downloaded", request.user.get_username(), client_address(request), rnd)
    return _with_scratch(build, f"{lib.safe_filename(rnd.name)}-报送链接.xlsx", XLSX)


@login_required
@require_GET
def status_sheet(request, pk: int):
    rnd = get_object_or_404(Round, pk=pk)
    statuses = lib.sort_for_action(svc.batch_statuses(rnd))
    return _with_scratch(lambda folder: lib.write_status(folder / "status.xlsx", statuses),
                         f"{lib.safe_filename(rnd.name)}-状态表.xlsx", XLSX)


@login_required
@require_GET
def annotated_zip(request, pk: int):
    rnd = get_object_or_404(Round, pk=pk)

    def build(folder: Path) -> Path:
        versions = [v for v in svc.latest_versions(rnd) if v.findings and v.status in (lib.OK, lib.WARNINGS, lib.ERRORS)]
        stems = lib.unique_names([lib.safe_filename(v.agency.name) + "-标注" for v in versions])
        target = folder / "annotated.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for v, stem in zip(versions, stems):
                archive.write(svc.annotated_copy(v, folder / f"{v.pk}.xlsx"), f"{stem}.xlsx")
        return target

    return _with_scratch(build, f"{lib.safe_filename(rnd.name)}-标注副本.zip", "application/zip")


@login_required
@require_GET
def agency_detail(request, pk: int):
    agency = get_object_or_404(Agency.objects.select_related("round", "latest"), pk=pk)
    versions, latest, previous = _versions(agency)
    context = {"agency": agency, "round": agency.round, "versions": versions, "latest": latest,
               "form": DecisionForm(), "new_link": request.session.pop(f"new-link-{agency.pk}", "")}
    if latest is not None:
        context["groups"] = lib.finding_groups(svc.findings_of(latest), lib.SHOWN_PER_GROUP)
        if previous is not None:
            context["comparison"] = svc.compare(previous, latest)
    return render(request, "web/agency_office.html", context)


@administrator
@require_POST
def decide(request, pk: int, kind: str):
    version = get_object_or_404(Version.objects.select_related("agency__round"), pk=pk)
    if kind not in (ACCEPT, RETURN):
        raise Http404()
    if kind == ACCEPT and not version.can_render:
        return plain(400, "有错误的版本不能接收。")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return plain(400, "说明太长。")
    svc.decide(version, kind, form.cleaned_data["note"], request.user, client_address(request))
    return HttpResponseRedirect(f"/office/agencies/{version.agency_id}/")


@administrator
@require_POST
def link_action(request, pk: int, action: str):
    agency = get_object_or_404(Agency.objects.select_related("round"), pk=pk)
    if action == "revoke":
        svc.revoke(agency, request.user, client_address(request))
    elif action == "reissue":
        token = svc.reissue(agency, request.user, client_address(request))
        request.session[f"new-link-{agency.pk}"] = request.build_absolute_uri(f"/a/{token}/")
    else:
        raise Http404()
    return HttpResponseRedirect(f"/office/agencies/{agency.pk}/")


@login_required
@require_GET
def office_file(request, pk: int, what: str):
    version = get_object_or_404(Version.objects.select_related("agency"), pk=pk)
    if what == "annotated":
        return _annotated(version)
    if what in REPORT_FORMATS:
        return _report(version, what)
    if what == "original":
        name = svc.safe_name(version.filename)  # as the working copies are named
        with svc.store().open(version.sha256) as handle:
            return FileResponse(io.BytesIO(handle.read()), as_attachment=True, filename=name,
                                content_type="application/octet-stream")
    raise Http404()


@login_required
@require_http_methods(["GET", "POST"])
def aggregate_view(request, pk: int):
    """The 汇总 preview (who is in, who is left out, any refusal) and its workbook."""
    rnd = get_object_or_404(Round, pk=pk)
    with svc.scratch() as folder:
        total = svc.aggregate_round(rnd, folder)
        if request.method == "POST" and not total.result.refusals:
            target = lib.write_aggregate(folder / "aggregate.xlsx", total.result)
            svc.log("aggregate", request.user.get_username(), client_address(request), rnd,
                    detail=f"汇总 {len(total.result.members)} 个机关")
            return download(target, f"{lib.safe_filename(rnd.office)}{rnd.year}年汇总.xlsx", XLSX)
    return render(request, "web/aggregate.html", {"round": rnd, "sum": total.result, "left_out": total.left_out},
                  status=400 if request.method == "POST" else 200)


@administrator
@require_POST
def render_all(request, pk: int):
    """Start rendering every accepted report; the page that follows shows its progress."""
    from reportgen.web import jobs

    rnd = get_object_or_404(Round, pk=pk)
    job = jobs.start(rnd, request.user.get_username(), client_address(request))
    return HttpResponseRedirect(f"/office/rounds/{rnd.pk}/render/{job.id}")


def _job(pk: int, job_id: str):
    from reportgen.web import jobs

    rnd = get_object_or_404(Round, pk=pk)
    job = jobs.get(job_id, rnd.pk)
    if job is None:
        raise NotFound("没有找到这次生成（服务重新启动过？请重新生成）。")
    return rnd, job


@login_required
@require_GET
def render_progress(request, pk: int, job_id: str):
    rnd, job = _job(pk, job_id)
    return render(request, "web/render.html", {"round": rnd, "job": job})


@login_required
@require_GET
def render_state(request, pk: int, job_id: str):
    from django.http import JsonResponse

    return JsonResponse(_job(pk, job_id)[1].to_json())


@login_required
@require_GET
def render_zip(request, pk: int, job_id: str):
    rnd, job = _job(pk, job_id)
    if job.path is None:
        raise NotFound("还没有生成完。")
    return FileResponse(open(job.path, "rb"), as_attachment=True, filename=f"{lib.safe_filename(rnd.name)}-报告.zip",
                        content_type="application/zip")


@login_required
@require_GET
def events(request, pk: int | None = None):
    """The log of a round, or (without one) of everything: logins, accounts, every round."""
    rnd = get_object_or_404(Round, pk=pk) if pk is not None else None
    found = Event.objects.select_related("agency")
    return render(request, "web/events.html", {"round": rnd, "events": (found.filter(round=rnd) if rnd else found)[:2000]})


@administrator
@require_http_methods(["GET", "POST"])
def accounts(request):
    link = ""
    if request.method == "POST":
        admin = request.POST.get("role") == "admin"
        link = request.build_absolute_uri(f"/setup/{svc.new_invite(admin)}/")
        svc.log("invite", request.user.get_username(), client_address(request), detail="管理员" if admin else "查看者")
    users = get_user_model().objects.order_by("username")
    return render(request, "web/accounts.html", {"users": users, "link": link})
