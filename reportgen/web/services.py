"""What the pages do, apart from HTTP: links, uploads and their checks, versions compared,
and the office's outputs — each through the library functions the commands use."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import shutil
import tempfile
import threading
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator, Sequence

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from reportgen.web import checker
from reportgen.web import library as lib
from reportgen.web.models import ACCEPT, Agency, Decision, Event, Invite, Round, Version
from reportgen.web.store import Store

UPLOAD_SUFFIX_CHARS = 8  # an uploaded name's suffix is kept (lower-cased) only this long


# --------------------------------------------------------------------------- the store and scratch
def data_dir() -> Path:
    return Path(settings.REPORTGEN_DATA)


def store() -> Store:
    return Store(data_dir())


@contextmanager
def scratch() -> Iterator[Path]:
    """A private folder for one request's working copies, removed afterwards."""
    root = data_dir() / "scratch"
    root.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def safe_name(name: str) -> str:
    """A sender's file name made safe for a disk or a download: no path, no control
    character, a short alphanumeric suffix kept (lower-cased), any other made .bin."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > UPLOAD_SUFFIX_CHARS or not suffix.isalnum() or not suffix.isascii():
        stem, suffix = name, "bin"
    return f"{lib.safe_filename(stem or 'upload')}.{suffix.lower()}"


def working_copy(digest: str, folder: Path, name: str) -> Path:
    """The stored file under a readable name in ``folder`` (messages name the file as its
    sender did); ``name`` is made safe here and is never a path of its own."""
    target = folder / safe_name(name)
    source = store().path(digest)
    try:
        os.link(source, target)  # same disk: no copy
    except OSError:
        shutil.copyfile(source, target)
    return target


# --------------------------------------------------------------------------- links
def _link_key() -> bytes:
    return hashlib.sha256(b"reportgen agency links\0" + settings.SECRET_KEY.encode()).digest()


def link_token(agency: Agency) -> str:
    """An agency's link token: derived from the instance's secret key (kept in the data
    folder, not in the database), so the office can download the links sheet again while
    the database holds only hashes.  Reissuing changes ``issue`` and so the token."""
    message = f"{agency.round_id}:{agency.position}:{agency.issue}".encode()
    return base64.urlsafe_b64encode(hmac.new(_link_key(), message, hashlib.sha256).digest()).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def agency_for(token: str) -> Agency | None:
    """The agency a link names (with its round), unless it was revoked or reissued.
    Its ``latest`` is not loaded with it: the agency's pages read their versions
    themselves, and an upload does not need the last version's findings decoded."""
    try:  # (get, not first: the hash is unique, and first() would order by the round's ordering, a join)
        found = Agency.objects.select_related("round").get(token_hash=token_hash(token))
    except Agency.DoesNotExist:
        return None
    return None if found.revoked else found


def log(kind: str, actor: str, address: str, round: Round | None = None, agency: Agency | None = None,
        detail: str = "") -> None:
    Event.objects.create(kind=kind, actor=actor[:200], address=address[:64], round=round, agency=agency,
                         detail=detail)


def create_round(name: str, office: str, year: int, deadline: date, names: Sequence[str], user,
                 address: str) -> Round:
    """A round with one agency (and link) per distinct name, in the roster's order."""
    distinct: list[str] = []
    seen = set()
    for raw in names:
        name_ = " ".join(raw.split())
        if name_ and lib.normalise_agency(name_) not in seen:
            seen.add(lib.normalise_agency(name_))
            distinct.append(name_)
    with transaction.atomic():
        rnd = Round.objects.create(name=name, office=office, year=year, deadline=deadline, created_by=user)
        agencies = [Agency(round=rnd, name=n, position=i) for i, n in enumerate(distinct, start=1)]
        for a in agencies:
            a.token_hash = token_hash(link_token(a))
        Agency.objects.bulk_create(agencies)
        log("round-created", user.get_username(), address, rnd,
            detail=f"{rnd.year} 年，{len(agencies)} 个机关，截止 {deadline:%Y-%m-%d}")
        log("links-issued", user.get_username(), address, rnd, detail=f"{len(agencies)} 个链接")
    return rnd


def revoke(agency: Agency, user, address: str) -> None:
    with transaction.atomic():
        agency.revoked_at = timezone.now()
        agency.save(update_fields=["revoked_at"])
        log("link-revoked", user.get_username(), address, agency.round, agency)


def reissue(agency: Agency, user, address: str) -> str:
    """A new link for the agency (the old one stops working); returns the new token."""
    with transaction.atomic():
        agency.issue += 1
        agency.revoked_at = None
        token = link_token(agency)
        agency.token_hash = token_hash(token)
        agency.save(update_fields=["issue", "revoked_at", "token_hash"])
        log("link-reissued", user.get_username(), address, agency.round, agency, detail=f"第 {agency.issue} 次发放")
    return token


def new_invite(administrator: bool) -> str:
    import secrets

    token = secrets.token_urlsafe(32)
    Invite.objects.create(token_hash=token_hash(token), administrator=administrator)
    return token


@dataclass
class LastYear:
    """Last year's workbooks read from a .zip, stored and checked: what to import."""

    kept: list  # (name, digest, size, FileStatus) of each workbook that can be imported
    skipped: list[str]  # why the others cannot, in plain Chinese


def read_last_year(handle, filename: str, year: int) -> LastYear:
    """Last year's accepted workbooks (a .zip of .xlsx) for a round of ``year``, stored and
    checked.  Called before the round's transaction: checking takes seconds, and SQLite's
    write lock is held from a transaction's start (see conf.database_settings)."""
    import zipfile as zf

    data = handle.read()
    try:
        archive = lib.open_package(data, filename)
    except zf.BadZipFile:
        raise lib.UnusableInput(f"{filename} 不是 .zip 文件：请把上年的工作簿压缩成一个 .zip 再上传。") from None
    kept: list[tuple[str, str, int, "lib.FileStatus"]] = []
    skipped: list[str] = []
    with archive:
        for info in archive.infolist():
            name = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            if info.is_dir() or not name.lower().endswith(".xlsx") or name.startswith(("~$", ".")) \
                    or "__MACOSX" in info.filename:
                continue
            content = lib.read_member(archive, info, filename)
            digest, size = store().put(iter([content]))
            status = check_stored(digest, name, None, year - 1)
            if status.can_render and status.agency:
                kept.append((name, digest, size, status))
            else:
                skipped.append(f"{name}（{status.label}：{status.first_findings(1)}）")
    return LastYear(kept, skipped)


def import_last_year(rnd: Round, found: LastYear, user, address: str) -> tuple[int, list[str]]:
    """What :func:`read_last_year` found, kept as an accepted round of the year before
    ``rnd``'s (its links revoked at once), so pre-fill and the cross-year checks find them
    as they find a round run on this server.  Only inserts: quick inside a transaction.
    Returns (how many imported, and why the others were not), in plain Chinese."""
    kept, skipped = found.kept, list(found.skipped)
    if not kept:
        return 0, skipped
    with transaction.atomic():
        past = Round.objects.create(name=f"{rnd.name}（上年导入）", office=rnd.office, year=rnd.year - 1,
                                    deadline=rnd.deadline, created_by=user)
        seen: dict[str, Agency] = {}
        for name, digest, size, status in kept:
            key = lib.normalise_agency(status.agency)
            if key in seen:
                skipped.append(f"{name}（同一机关“{status.agency}”已有一份）")
                continue
            agency = Agency(round=past, name=status.agency[:200], position=len(seen) + 1, revoked_at=timezone.now())
            agency.token_hash = token_hash(link_token(agency))
            agency.save()
            version = Version.objects.create(
                agency=agency, number=1, sha256=digest, size=size, filename=name[:255], address=address[:64],
                status=status.status, status_label=status.label, agency_name=status.agency[:200], year=status.year,
                title=status.title[:400], errors=status.errors, warnings=status.warnings,
                first_problem=status.first_findings(1), findings=[f.to_json() for f in status.findings],
                decision=ACCEPT, decision_note="上年已接收（导入）")
            Decision.objects.create(version=version, kind=ACCEPT, note="上年已接收（导入）", by=user)
            agency.latest, agency.versions_count = version, 1
            agency.save(update_fields=["latest", "versions_count"])
            seen[key] = agency
        log("last-year-imported", user.get_username(), address, rnd,
            detail=f"{len(seen)} 份上年工作簿（{past.year} 年）" + (f"；未导入 {len(skipped)} 份" if skipped else ""))
    return len(seen), skipped


# --------------------------------------------------------------------------- uploads
def previous_year_file(agency: Agency) -> Version | None:
    """Last year's accepted version of the same agency on this server (for pre-fill and
    the cross-year checks), if any — without its findings (only its file is used)."""
    key = lib.normalise_agency(agency.name)
    # Names and ids only: last year's round may hold thousands of agencies, and loading
    # their versions would decode every one's findings to use one file.
    candidates = Agency.objects.filter(round__year=agency.round.year - 1, latest__decision=ACCEPT) \
        .order_by("-round_id").values_list("name", "latest_id")
    for name, latest_id in candidates.iterator():
        if lib.normalise_agency(name) == key:
            return Version.objects.defer("findings").get(pk=latest_id)
    return None


def check_stored(digest: str, filename: str, last: Version | None, year: int | None = None,
                 rnd: Round | None = None) -> "lib.FileStatus":
    """Check a stored file as ``reportgen check`` does (with last year's accepted version
    for the cross-year checks, and the round's ``year`` and roster as a batch's); its
    messages name the file as it was uploaded.  The reading and checking run in the
    server's worker processes when it has them (:mod:`.checker`)."""
    with scratch() as folder:
        path = working_copy(digest, folder, filename)
        found = lib.collect([path])
        if found.rejected:
            return lib.rejected_statuses(found)[0]
        previous = None
        if last is not None:
            (folder / "last").mkdir()
            previous = working_copy(last.sha256, folder / "last", last.filename)
        try:
            status = checker.check(path, previous)
        except Exception as exc:  # a bug of ours: the upload is kept and the agency told plainly
            return lib.FileStatus(path, lib.INTERNAL, reason=f"检查时出现{lib.describe_failure(exc)}。"
                                                             f"文件已保存，请联系汇总单位。")
        # The batch's rules, the round being the batch: a workbook of another year is held, as `check` holds it.
        lib.judge_batch([status], year, roster=roster_for(rnd, status) if rnd is not None else None,
                        can_choose=False)  # no --use on the web
        return status


def round_roster(rnd: Round) -> "lib.Roster":
    """The round's agencies as the roster ``check --roster`` compares a batch with (named
    after the round in its messages): an upload of an agency not on it is told so."""
    return lib.Roster(Path(f"“{rnd.name}”"), names=list(rnd.agencies.order_by("position").values_list("name", flat=True)))


def roster_for(rnd: Round, status: "lib.FileStatus") -> "lib.Roster | None":
    """The round's roster to judge one upload by, or None when it could change nothing.
    Against a roster, a batch's rules add a finding only to a workbook of an agency that
    is not on it; the rest of the comparison lists every other agency as 未交 — for one
    upload in a round of 3,000 agencies, 3,000 statuses (25–45 ms) built and thrown away."""
    if status.agency and lib.normalise_agency(status.agency) in _roster_keys(rnd.pk, rnd.created_at):
        return None
    return round_roster(rnd)


@functools.lru_cache(maxsize=64)
def _roster_keys(round_id: int, created_at) -> frozenset:
    """The round's agencies as compared (normalised).  A round's agencies are fixed when
    it is made, so this is read once per round (``created_at`` tells two databases'
    rounds of the same id apart)."""
    names = Agency.objects.filter(round_id=round_id).values_list("name", flat=True)
    return frozenset(lib.normalise_agency(n) for n in names)


# One version's transaction at a time in this process, on SQLite: the database lets one
# writer in and makes the others wait by sleeping and retrying (up to 100 ms a sleep),
# so twenty simultaneous uploads queued on it wait far longer than on a lock handed
# straight on.  (PostgreSQL locks the agency's row; no lock of ours is needed there.)
_SQLITE_WRITER = threading.Lock()


@contextmanager
def writing() -> Iterator[None]:
    """A transaction that writes, queued in this process on SQLite (see above)."""
    if connection.vendor != "sqlite":
        with transaction.atomic():
            yield
        return
    with _SQLITE_WRITER, transaction.atomic():
        yield


def receive(agency: Agency, handle, filename: str, address: str) -> Version:
    """Store an upload as received, check it, and record it as the agency's next version.
    The file is in the store (flushed) before the version's transaction starts; the
    version, the agency's summary and the log entry commit together or not at all."""
    digest, size = store().put_file(handle)
    rnd = agency.round
    status = check_stored(digest, filename, previous_year_file(agency), rnd.year, rnd)
    lib.foreign_agency(status, agency.name)  # a link reports for its own agency only
    with writing():
        count = Agency.objects.select_for_update().values_list("versions_count", flat=True).get(pk=agency.pk)
        version = Version.objects.create(
            agency=agency, number=count + 1, sha256=digest, size=size, filename=filename[:255],
            address=address[:64], status=status.status, status_label=status.label, reason=status.reason,
            agency_name=status.agency[:200], year=status.year, title=status.title[:400], errors=status.errors,
            warnings=status.warnings, first_problem=status.first_findings(1),
            findings=[f.to_json() for f in status.findings], note=status.note)
        Agency.objects.filter(pk=agency.pk).update(latest=version, versions_count=version.number)
        agency.latest, agency.versions_count = version, version.number
        log("upload", f"机关：{agency.name}", address, rnd, agency,
            detail=f"第 {version.number} 版（{filename[:100]}，{size} 字节）：{version.status_label}，"
                   f"{version.errors} 个错误，{version.warnings} 个提醒")
    return version


def findings_of(version: Version) -> list["lib.Finding"]:
    return [lib.Finding.from_json(f) for f in version.findings]


def _identity(finding: "lib.Finding") -> tuple:
    """The same fault in two versions: same rule at the same place (its numbers may differ)."""
    where = finding.location
    return (finding.code, where.sheet if where else "", where.cell if where else "", finding.key, finding.cells)


@dataclass
class Comparison:
    corrected: list
    still_open: list
    new: list


def compare(previous: Version, current: Version) -> Comparison:
    """What the current version corrected, left open and brought new against the previous."""
    before, now = findings_of(previous), findings_of(current)
    before_ids = {_identity(f) for f in before}
    now_ids = {_identity(f) for f in now}
    return Comparison([f for f in before if _identity(f) not in now_ids],
                      [f for f in now if _identity(f) in before_ids],
                      [f for f in now if _identity(f) not in before_ids])


def decide(version: Version, kind: str, note: str, user, address: str) -> None:
    with transaction.atomic():
        Decision.objects.create(version=version, kind=kind, note=note, by=user)
        version.decision, version.decision_note = kind, note
        version.save(update_fields=["decision", "decision_note"])
        log("decision", user.get_username(), address, version.agency.round, version.agency,
            detail=f"第 {version.number} 版：{'已接收' if kind == ACCEPT else '已退回'}" + (f"；{note}" if note else ""))


# --------------------------------------------------------------------------- files for download
def annotated_copy(version: Version, target: Path) -> Path:
    with scratch() as folder:
        source = working_copy(version.sha256, folder, version.filename)
        lib.annotate_workbook(source, target, findings_of(version))
    return target


def rendered(version: Version, fmt: str) -> Path:
    """The version's report in ``fmt`` (docx or html), rendered once and kept by content hash."""
    cache = data_dir() / "reports" / f"{version.sha256}-{lib.__version__}"
    found = sorted(cache.glob(f"*.{fmt}")) if cache.is_dir() else []
    if found:
        return found[0]
    with scratch() as folder:
        source = working_copy(version.sha256, folder, version.filename)
        data = lib.read_workbook(source).data
        out = folder / "out"
        lib.render_report(data, out, ("docx", "html"))
        cache.parent.mkdir(exist_ok=True)
        try:
            os.replace(out, cache)  # the folder appears whole; if another request won the race, theirs is the same
        except OSError:
            pass
    return sorted(cache.glob(f"*.{fmt}"))[0]


def prefilled(agency: Agency, target: Path) -> Path:
    """The agency's workbook for this round (last year's 结转 pre-filled when the server
    has its accepted version), as ``distribute`` writes it."""
    last = previous_year_file(agency)
    with scratch() as folder:
        previous = working_copy(last.sha256, folder, last.filename) if last is not None else None
        lib.distribute_one(agency.name, agency.round.year, target, previous)
    return target


def file_statuses(versions: Sequence[Version]) -> list:
    """The versions as the collection's file statuses (for the status sheet)."""
    return [lib.FileStatus(Path(v.filename), v.status, reason=v.reason, agency=v.agency_name, year=v.year,
                           title=v.title, findings=findings_of(v)) for v in versions]


def batch_statuses(rnd: Round) -> list:
    """The round as ``check --summary --roster`` sees a folder of its latest versions: the
    batch's rules over them all (two agencies' links with one agency's workbook are
    duplicates) and a 未交 row for every agency that sent nothing."""
    statuses = file_statuses(latest_versions(rnd))
    for s in statuses:  # told at upload against the same roster; judged again below, not twice
        s.findings = [f for f in s.findings if f.code != "collection-not-on-roster"]
    return lib.judge_batch(statuses, rnd.year, roster=round_roster(rnd), can_choose=False)


def latest_versions(rnd: Round) -> list[Version]:
    return [a.latest for a in rnd.agencies.select_related("latest").order_by("position") if a.latest]


def accepted(rnd: Round) -> list[tuple[Agency, Version]]:
    return [(a, a.latest) for a in rnd.agencies.select_related("latest").order_by("position")
            if a.latest and a.latest.decision == ACCEPT]


def materialise(pairs: Sequence[tuple[Agency, Version]], folder: Path) -> list[Path]:
    """The versions as files named after their agencies (distinct, safe) in ``folder``."""
    stems = lib.unique_names([lib.safe_filename(a.name) for a, _ in pairs])
    return [working_copy(v.sha256, folder, f"{stem}.xlsx") for (_, v), stem in zip(pairs, stems)]


@dataclass
class Sum:
    result: object  # the library's AggregateResult
    left_out: list[Agency]  # agencies without an accepted version


def aggregate_round(rnd: Round, folder: Path) -> Sum:
    """The 汇总 of the accepted versions, by the library's ``aggregate`` (same rules and refusals)."""
    pairs = accepted(rnd)
    files = folder / "accepted"
    files.mkdir()
    materialise(pairs, files)
    result = lib.aggregate(lib.collect([files]), rnd.office, rnd.year, jobs=1)
    taken = {a.pk for a, _ in pairs}
    return Sum(result, [a for a in rnd.agencies.order_by("position") if a.pk not in taken])


def render_all(rnd: Round, folder: Path, progress=None) -> tuple[Path, list]:
    """Word + HTML of every accepted version in one zip (by the collection's renderer)."""
    pairs = accepted(rnd)
    files, out = folder / "accepted", folder / "reports"
    files.mkdir()
    materialise(pairs, files)
    statuses = lib.check_and_render_collection(lib.collect([files]), out, ("docx", "html"), year=rnd.year,
                                               progress=progress)
    target = folder / "reports.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for s in statuses:
            for path in s.outputs:
                archive.write(path, path.name)
    return target, statuses
