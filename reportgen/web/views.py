"""The agency's pages (by its link), what the office's pages share with them, static files
and the error pages; the office's pages are in :mod:`reportgen.web.office_views`."""

from __future__ import annotations

import io
from pathlib import Path

from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from reportgen.web import library as lib
from reportgen.web import services as svc
from reportgen.web.forms import UploadForm
from reportgen.web.middleware import (TOO_MANY, UPLOADS_PER_ADDRESS, UPLOADS_PER_LINK, client_address,
                         plain)
from reportgen.web.models import Agency, Version

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT_FORMATS = ("docx", "html")  # what a page offers; PDF is the command line's


class NotFound(Http404):
    """A 404 with our own plain-Chinese message, shown on the page (Django's own 404s,
    e.g. get_object_or_404's English, are not: the page then says 页面不存在。)."""


def download(path: Path, name: str, content_type: str) -> FileResponse:
    """A file as an attachment; the file is read into memory first so a scratch folder may go."""
    return FileResponse(io.BytesIO(Path(path).read_bytes()), as_attachment=True, filename=name,
                        content_type=content_type)


def _with_scratch(build, name: str, content_type: str):
    with svc.scratch() as folder:
        return download(build(folder), name, content_type)


# =========================================================================== agency pages
def _agency(token: str) -> Agency:
    agency = svc.agency_for(token)
    if agency is None:
        raise NotFound("链接无效或已停用。请向汇总单位索取新的链接。")
    return agency


def _version(agency: Agency, number: int) -> Version:
    return get_object_or_404(Version, agency=agency, number=number)


def _versions(agency: Agency):
    """Every version for the list (without their findings), and the latest two in full."""
    versions = list(agency.versions.order_by("-number").defer("findings"))
    full = list(agency.versions.order_by("-number")[:2])
    return versions, (full[0] if full else None), (full[1] if len(full) > 1 else None)


@require_GET
def agency_page(request, token: str):
    agency = _agency(token)
    if agency.first_opened_at is None:
        with transaction.atomic():
            Agency.objects.filter(pk=agency.pk, first_opened_at__isnull=True).update(first_opened_at=timezone.now())
            svc.log("link-opened", f"机关：{agency.name}", client_address(request), agency.round, agency)
    return render(request, "web/agency.html", _agency_context(agency, token, UploadForm()))


def _agency_context(agency: Agency, token: str, form: UploadForm) -> dict:
    """The agency's page: its versions and the latest one's result (also under a refused upload)."""
    versions, latest, previous = _versions(agency)
    context = {"agency": agency, "round": agency.round, "token": token, "form": form,
               "versions": versions, "latest": latest, "past_deadline": timezone.localdate() > agency.round.deadline,
               "has_last_year": svc.previous_year_file(agency) is not None}
    if latest is not None:
        findings = svc.findings_of(latest)
        context["groups"] = lib.finding_groups(findings, lib.SHOWN_PER_GROUP)
        context["verdict"] = "" if latest.reason else lib.verdict(latest)  # a file that could not be read: its reason
        if previous is not None:
            context["comparison"] = svc.compare(previous, latest)
    return context


@require_POST
def agency_upload(request, token: str):
    agency = _agency(token)
    address = client_address(request)
    if not UPLOADS_PER_LINK.allow(agency.token_hash) or not UPLOADS_PER_ADDRESS.allow(address):
        return plain(429, TOO_MANY)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "web/agency.html", _agency_context(agency, token, form), status=400)
    upload = form.cleaned_data["workbook"]
    svc.receive(agency, upload, upload.name or "工作簿.xlsx", address)
    return HttpResponseRedirect(f"/a/{token}/#result")


@require_GET
def agency_workbook(request, token: str):
    agency = _agency(token)
    name = f"{lib.safe_filename(agency.name)}-{agency.round.year}.xlsx"
    return _with_scratch(lambda folder: svc.prefilled(agency, folder / "workbook.xlsx"), name, XLSX)


@require_GET
def agency_annotated(request, token: str, number: int):
    return _annotated(_version(_agency(token), number))


@require_GET
def agency_report(request, token: str, number: int, fmt: str):
    return _report(_version(_agency(token), number), fmt)


def _annotated(version: Version):
    if version.status not in (lib.OK, lib.WARNINGS, lib.ERRORS):
        raise NotFound("这个文件无法读取，没有标注副本。")
    name = f"{Path(lib.safe_filename(Path(version.filename).stem))}-标注.xlsx"
    return _with_scratch(lambda folder: svc.annotated_copy(version, folder / "annotated.xlsx"), name, XLSX)


def _report(version: Version, fmt: str):
    if fmt not in REPORT_FORMATS:
        raise NotFound("只能下载 Word（.docx）或网页（.html）版报告。")
    if not version.can_render:
        raise NotFound("这一版有错误，改正后才能生成报告。")
    path = svc.rendered(version, fmt)
    return download(path, path.name, DOCX if fmt == "docx" else "text/html; charset=utf-8")


# =========================================================================== static files
STATIC = Path(__file__).resolve().parent / "static" / "web"
STATIC_TYPES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


@require_GET
def static(request, name: str):
    if name not in STATIC_TYPES:  # a fixed list: no name from a request reaches the file system
        raise Http404()
    response = HttpResponse((STATIC / name).read_bytes(), content_type=STATIC_TYPES[name])
    response["Cache-Control"] = "public, max-age=3600"
    return response


def not_found(request, exception=None):
    message = str(exception) if isinstance(exception, NotFound) and str(exception) else "页面不存在。"
    return render(request, "web/error.html", {"message": message}, status=404)


def forbidden(request, exception=None):
    return render(request, "web/error.html", {"message": "没有权限。只有管理员可以这样做。"}, status=403)


def csrf_failure(request, reason=""):
    return render(request, "web/error.html", {"message": "表单已过期或来自其他网站，请刷新页面后重试。"}, status=403)


def server_error(request):
    return render(request, "web/error.html", {"message": "服务器内部错误，已上传的文件没有丢失。请稍后再试或联系汇总单位。"},
                  status=500)
