"""What the web face keeps: rounds, agencies (links kept as hashes), versions (files in
the store by content hash), the office's decisions and the append-only event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from reportgen.web.library import ERRORS, OK, STATUS_LABELS, WARNINGS

# The dashboard's statuses, in the order an office works through them.
NOT_OPENED, NOT_UPLOADED, WARNINGS_ONLY, TO_REVIEW, ACCEPTED, RETURNED = (
    "未打开", "未上传", "仅提醒", "待审核", "已接收", "已退回")
HAS_ERRORS = STATUS_LABELS[ERRORS]
STATUSES = (HAS_ERRORS, TO_REVIEW, WARNINGS_ONLY, RETURNED, NOT_UPLOADED, NOT_OPENED, ACCEPTED)
ACCEPT, RETURN = "accept", "return"
DECISION_LABELS = {ACCEPT: ACCEPTED, RETURN: RETURNED}


def status_of(opened: bool, check_status: str | None, warnings: int | None, decision: str | None) -> str:
    """An agency's dashboard status from its latest version (None: no upload yet)."""
    if check_status is None:
        return NOT_UPLOADED if opened else NOT_OPENED
    if decision:
        return DECISION_LABELS[decision]
    if check_status not in (OK, WARNINGS):
        return HAS_ERRORS
    return WARNINGS_ONLY if warnings else TO_REVIEW


class Round(models.Model):
    """One collection: a year's reports from the agencies of a roster."""

    name = models.CharField("名称", max_length=200)
    office = models.CharField("汇总机关名称", max_length=200)
    year = models.PositiveIntegerField("报告年度")
    deadline = models.DateField("截止日期")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An agency of a round and its personal link: only the link's hash is stored.
    ``issue`` counts reissues (a reissued link replaces the old one)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField("机关名称", max_length=200)
    position = models.PositiveIntegerField()  # the roster's order
    token_hash = models.CharField(max_length=64, unique=True)
    issue = models.PositiveIntegerField(default=1)
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    # Kept with each upload and decision (in the same transaction), so the dashboard of
    # thousands of agencies is one query.
    latest = models.ForeignKey("Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    versions_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "position"]
        constraints = [models.UniqueConstraint(fields=["round", "position"], name="agency_position")]

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> str:
        v = self.latest
        return status_of(self.first_opened_at is not None, v.status if v else None, v.warnings if v else None,
                         v.decision if v else None)

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class Version(models.Model):
    """One upload, numbered per agency; the file as received lives in the store under
    ``sha256``.  Findings are kept as ``Finding.to_json`` gave them."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    filename = models.CharField(max_length=255)  # as the uploader named it: shown, never used as a path
    uploaded_at = models.DateTimeField(auto_now_add=True)
    address = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20)  # the check's status (collection's OK, WARNINGS, ERRORS, UNUSABLE…)
    status_label = models.CharField(max_length=40)
    reason = models.TextField(blank=True)  # why the file could not be used
    agency_name = models.CharField(max_length=200, blank=True)  # as filled in the workbook
    year = models.IntegerField(null=True, blank=True)
    title = models.CharField(max_length=400, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    first_problem = models.TextField(blank=True)
    findings = models.JSONField(default=list)
    note = models.TextField(blank=True)  # e.g. which last year's report it was compared with
    decision = models.CharField(max_length=10, blank=True)  # the latest decision on it (ACCEPT / RETURN)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["agency", "number"]
        constraints = [models.UniqueConstraint(fields=["agency", "number"], name="version_number")]

    @property
    def can_render(self) -> bool:
        return self.status in (OK, WARNINGS)

    @property
    def uploaded(self) -> str:
        """When it was uploaded, local time, as the pages show it (what ``|date:"Y-m-d H:i"``
        prints, without the template filter's per-call formatting machinery: the agency's
        page lists every version)."""
        return timezone.localtime(self.uploaded_at).strftime("%Y-%m-%d %H:%M")



class Decision(models.Model):
    version = models.ForeignKey(Version, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=10, choices=[(ACCEPT, ACCEPTED), (RETURN, RETURNED)])
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class Event(models.Model):
    """The append-only log: what happened, who, when, from which address.  Rows are
    never changed or deleted (``save`` refuses an update, ``delete`` refuses)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=40)
    actor = models.CharField(max_length=200)  # an office user's name, or “机关：…” for a link
    address = models.CharField(max_length=64, blank=True)
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("the event log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("the event log is append-only")


class Invite(models.Model):
    """A one-time link to create an office account (the first administrator's is printed
    by ``reportgen serve``); only its hash is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    administrator = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
