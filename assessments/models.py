"""Assessments (ASM-3): one administration of an instrument, immutable once stored.

A correction is a new record that supersedes the old one, with a reason; the old record stays.
Answers are clinical content and encrypted at rest; total, band and flags stay searchable for
reports and trends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confidentiality.fields import EncryptedTextField
from lib.states import StateTable


class AppendOnlyError(Exception):
    pass


class Assessment(models.Model):
    class Context(models.TextChoices):
        STAFF = "staff", _("Given by staff")
        SELF_TEST = "self_test", _("Online self-test")
        IMPORT = "import", _("Imported")

    # Null only for an anonymous self-test in a campaign.
    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    campaign = models.ForeignKey(
        "assessments.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    response = models.ForeignKey(
        "assessments.CampaignResponse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
    )
    instrument_code = models.CharField(_("instrument"), max_length=40, db_index=True)
    instrument_version = models.CharField(max_length=20)
    answers = EncryptedTextField()  # JSON list, in item order; null for unanswered
    sex_used = models.CharField(max_length=1, blank=True)
    valid = models.BooleanField()
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True, db_index=True)
    flags = models.JSONField(default=list, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    severe = models.BooleanField(default=False)
    context = models.CharField(max_length=12, choices=Context.choices, default=Context.STAFF)
    administered_at = models.DateTimeField(_("administered at"), db_index=True)
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-administered_at", "-pk"]
        indexes = [
            models.Index(fields=["resident", "instrument_code", "administered_at"], name="asm_trend_idx")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.total} ({self.band})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("an assessment is never changed; record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("an assessment is never deleted")

    @property
    def display_total(self) -> str:
        if self.total is None:
            return "—"
        return str(int(self.total)) if float(self.total).is_integer() else f"{self.total:g}"


class Campaign(models.Model):
    """A screening campaign (SCR-1): a battery of instruments for a target population and period."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    class Identification(models.TextChoices):
        ID_NUMBER = "id_number", _("ID card number and name")
        STUDENT_NUMBER = "student_number", _("Student number and name")
        ANONYMOUS = "anonymous", _("Anonymous")

    # What can be done to a campaign in each status: screening.services enforces it and the
    # campaign's page offers it. A draft is opened; a running one is answered and closed; a closed
    # one may be opened again (e.g. extended for those who missed it). None goes back to draft.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.DRAFT: ("open",),
            Status.RUNNING: ("answer", "close"),
            Status.CLOSED: ("open",),
        },
    )

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    instruments = models.JSONField(_("battery"), default=list, help_text=_("Instrument codes, in order."))
    target_units = models.ManyToManyField(
        "orgs.OrgUnit", related_name="campaigns", verbose_name=_("target units")
    )
    target_tags = models.JSONField(_("target groups"), default=list, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    identification = models.CharField(
        _("identification"), max_length=20, choices=Identification.choices, default=Identification.ID_NUMBER
    )
    allow_new_residents = models.BooleanField(_("register people not yet on file"), default=False)
    guardian_consent_method = models.TextField(_("how guardian consent was obtained for minors"), blank=True)
    token = models.CharField(max_length=40, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="asm_campaign_period"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignResponse(models.Model):
    """One sitting of a campaign's battery; the idempotency key makes a double submit store once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    resident = models.ForeignKey(
        "archives.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_responses",
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    # CONF-1: what the person agreed to before answering, recorded by selftest_submit. The versions
    # are {kind: version} of the consent texts shown; sittings stored before this was recorded
    # have no consent time.
    consent_versions = models.JSONField(_("consent text versions"), default=dict, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    identified = models.BooleanField(_("identified"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign response")
        verbose_name_plural = _("campaign responses")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.pk}"


class ImportJob(models.Model):
    """A bulk entry of paper results into a campaign (SCR-2), run in the background.

    The uploaded file is kept encrypted only until the job has run; the error report lists
    (row, column, reason) and names no one.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("import status", "Imported")
        REJECTED = "rejected", _("Refused")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        CHECKING = "checking", _("Checking rows")
        SAVING = "saving", _("Saving")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="import_jobs")
    instrument_code = models.CharField(_("instrument"), max_length=40)
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(max_length=4)
    # Fernet tokens of the uploaded bytes, one per line; emptied once the job has run.
    payload = models.BinaryField(default=b"")
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)
    signals_raised = models.PositiveIntegerField(default=0)
    residents_created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[row, column, reason], …], capped
    error_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.instrument_code}:{self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class UploadedInstrument(models.Model):
    """A licensed instrument uploaded by the centre: its YAML definition, one row per version."""

    code = models.CharField(max_length=40, db_index=True)
    version = models.CharField(max_length=20)
    definition = models.TextField()
    is_current = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded instrument")
        verbose_name_plural = _("uploaded instruments")
        ordering = ["code", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="asm_upload_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="asm_upload_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"
