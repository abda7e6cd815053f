"""Monthly reports (PRG-6): who reports for which unit, the reports with their approval states,
their people of concern, and the counsellor's review of someone flagged three months running."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import MONTHS as MONTH_NAMES
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confidentiality.fields import EncryptedTextField
from lib.states import StateTable

from . import calendar as periods
from .report_forms import DEFAULT_FORM

MONTHS = list(MONTH_NAMES.items())


def months_off_text(months) -> str:
    """Months off stored as ``,2,8,`` so a plain ``LIKE '%,2,%'`` asks about one month (SQLite
    and PostgreSQL alike, and fast enough for the completeness of thousands of units)."""
    values = sorted({int(m) for m in months or []})
    return "," + ",".join(str(m) for m in values) + "," if values else ""


class ReportingAssignment(models.Model):
    """Who reports for an organisation unit every month (a class's psych committee member or
    homeroom teacher, a grid's group leader or grid worker), who accepts (first level) and who
    approves (second level), and the months off (February and August for schools)."""

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="reporting_assignments", verbose_name=_("unit")
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reporter")
    )
    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("first-level approver"),
    )
    second_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("second-level approver"),
    )
    unit_head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of the unit"),
        help_text=_(
            "Told 5 days after the due day when a report is missing; empty: the second-level approver."
        ),
    )
    form_code = models.CharField(_("form"), max_length=40, default=DEFAULT_FORM)
    months_off = models.CharField(_("months off"), max_length=40, blank=True)
    due_day = models.PositiveSmallIntegerField(
        _("due day"), null=True, blank=True, help_text=_("Empty: the last working day of the month.")
    )
    timely_days = models.PositiveSmallIntegerField(_("timely window (days)"), default=3)
    lock_days = models.PositiveSmallIntegerField(_("locks after (days)"), default=15)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reporting assignment")
        verbose_name_plural = _("reporting assignments")
        ordering = ["org_unit__path", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit"],
                condition=models.Q(is_active=True),
                name="monthlyreports_one_active_assignment_per_unit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.reporter}"

    def clean(self) -> None:
        if self.due_day is not None and not 1 <= self.due_day <= 31:
            raise ValidationError({"due_day": _("Give a day of the month from 1 to 31.")})
        if self.timely_days > 31:
            raise ValidationError({"timely_days": _("Give at most 31 days.")})
        if self.lock_days > 90:
            raise ValidationError({"lock_days": _("Give at most 90 days.")})

    @property
    def months_off_list(self) -> list[int]:
        return [int(m) for m in self.months_off.strip(",").split(",") if m]

    @property
    def head(self):
        return self.unit_head or self.second_approver

    def is_month_off(self, period) -> bool:
        return period.month in self.months_off_list

    def due_on(self, period):
        return periods.due_on(period, due_day=self.due_day)

    def on_time_until(self, period):
        return periods.on_time_until(period, due_day=self.due_day, timely_days=self.timely_days)

    def locks_on(self, period):
        return periods.locks_on(period, lock_days=self.lock_days)


class MonthlyReport(models.Model):
    """One unit's report for one month. No row yet is "not started"."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("monthly report", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("monthly report", "Submitted")
        RETURNED = "returned", pgettext_lazy("monthly report", "Returned")
        ACCEPTED = "accepted", pgettext_lazy("monthly report", "Accepted")
        APPROVED = "approved", pgettext_lazy("monthly report", "Approved")
        LOCKED = "locked", pgettext_lazy("monthly report", "Locked")

    ACTIONS = StateTable(
        field="state",
        table={
            State.DRAFT: ("edit", "submit", "lock"),
            State.SUBMITTED: ("return", "accept", "lock"),
            State.RETURNED: ("edit", "submit", "lock"),
            State.ACCEPTED: ("return", "approve", "lock"),
            State.APPROVED: ("unapprove", "lock"),
            State.LOCKED: (),
        },
    )

    assignment = models.ForeignKey(
        ReportingAssignment, on_delete=models.PROTECT, related_name="reports", verbose_name=_("assignment")
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("unit")
    )
    period = models.DateField(_("month"))
    form_code = models.CharField(max_length=40)
    form_version = models.CharField(max_length=20)
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    is_zero = models.BooleanField(_("nothing to report"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    # What was first submitted (answers and rows), kept when a returned report is edited.
    first_version = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-period", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "period"], name="monthlyreports_one_report_a_month")
        ]
        indexes = [models.Index(fields=["period", "org_unit"], name="monthlyrep_period_unit")]

    def __str__(self) -> str:
        return f"{self.org_unit} {periods.period_label(self.period)}"

    @property
    def period_label(self) -> str:
        return periods.period_label(self.period)

    @property
    def is_locked(self) -> bool:
        """Locked in state, or by the calendar already (read-time: the job may not have run)."""
        return self.locked_by(None)

    def locked_by(self, today) -> bool:
        return self.state == self.State.LOCKED or periods.period_is_locked(
            self.period, lock_days=self.assignment.lock_days, today=today
        )


class ConcernRow(models.Model):
    """A person of concern on a report: a registered resident found through the resident search,
    or a description in words for the community worker to register."""

    class Category(models.TextChoices):
        STUDY = "study", pgettext_lazy("concern category", "Study")
        RELATIONSHIPS = "relationships", pgettext_lazy("concern category", "Relationships")
        FAMILY = "family", pgettext_lazy("concern category", "Family")
        EMOTION = "emotion", pgettext_lazy("concern category", "Emotions")
        PHYSICAL = "physical", pgettext_lazy("concern category", "Physical")
        BEHAVIOUR = "behaviour", pgettext_lazy("concern category", "Unusual behaviour")
        INTERNET = "internet", pgettext_lazy("concern category", "Internet")
        LOSS = "loss", pgettext_lazy("concern category", "Loss or upheaval")
        OTHER = "other", pgettext_lazy("concern category", "Other")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", pgettext_lazy("concern urgency", "Routine")
        ATTENTION = "attention", pgettext_lazy("concern urgency", "Needs attention")
        URGENT = "urgent", pgettext_lazy("concern urgency", "Urgent")

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="concerns")
    resident = models.ForeignKey(
        "archives.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident"),
    )
    person_description = EncryptedTextField(_("who (if not registered)"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    signs = EncryptedTextField(_("what was noticed"))
    days = models.PositiveSmallIntegerField(_("for how many days"))
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    signal = models.ForeignKey(
        "crisis.RiskSignal", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person of concern")
        verbose_name_plural = _("people of concern")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.resident or _("unregistered person"))


class ReportEvent(models.Model):
    """The report's history: each action with who, when and the reason given."""

    # The services write these codes; the history shows them in words.
    ACTION_LABELS = {
        "start": pgettext_lazy("monthly report event", "Started"),
        "paper": pgettext_lazy("monthly report event", "Entered from a paper form"),
        "submit": pgettext_lazy("monthly report event", "Submitted"),
        "return": pgettext_lazy("monthly report event", "Returned"),
        "accept": pgettext_lazy("monthly report event", "Accepted (first level)"),
        "approve": pgettext_lazy("monthly report event", "Approved (second level)"),
        "unapprove": pgettext_lazy("monthly report event", "Approval withdrawn"),
        "lock": pgettext_lazy("monthly report event", "Locked"),
    }

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("monthly report event")
        verbose_name_plural = _("monthly report events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.action}"

    @property
    def action_label(self) -> str:
        return str(self.ACTION_LABELS.get(self.action, self.action))


class ConcernReview(models.Model):
    """A counsellor's review of someone flagged on monthly reports three months running."""

    class State(models.TextChoices):
        OPEN = "open", _("To review")
        DONE = "done", _("Reviewed")

    ACTIONS = StateTable(field="state", table={State.OPEN: ("complete",), State.DONE: ()})

    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("resident")
    )
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    period = models.DateField(_("month"))
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.OPEN)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("review of a person flagged three months running")
        verbose_name_plural = _("reviews of people flagged three months running")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["resident", "period"], name="monthlyreports_one_review_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.resident} {periods.period_label(self.period)}"
