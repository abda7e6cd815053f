"""Crisis early warning (CRI-1, CRI-2, CRI-4): warning rules, alerts with response deadlines and
escalation, and concern reports from field staff.

Signals (``assessments.RiskSignal``) come from assessments, the hotline, counsellors' flags,
concern reports and external systems. ``AlertRule`` rows decide which signal raises which level;
one open alert per person collects every later signal (raising its level if higher). Every step
of an alert is an ``AlertEvent``: the alert's history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confidentiality.fields import EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Level(models.TextChoices):
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


LEVEL_ORDER = {Level.YELLOW: 1, Level.ORANGE: 2, Level.RED: 3}


class AlertRule(models.Model):
    """One warning rule (CRI-4): when a signal matches, an alert of ``level`` is raised.

    ``condition`` is data, not code, so the director can change levels and switch rules on and
    off in the UI; the kinds of condition are fixed in ``crisis.rules`` and documented in
    docs/crisis.md. Defaults are created by a data migration.
    """

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        HOTLINE = "hotline", _("Hotline or online consultation")
        COUNSELLOR = "counsellor", _("Counsellor's flag")
        CONCERN = "concern", _("Concern report")
        EXTERNAL = "external", _("External system")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    # e.g. {"instrument": "phq9", "item": 9, "min": 2} · {"instrument": "asq", "flag": "acute_suicide_risk"}
    # · {"instrument": "phq9", "band": "severe"} · {"immediate_danger": true} · {"urgent": true} · {}
    condition = models.JSONField(_("condition"), default=dict, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["source", "code"]

    def __str__(self) -> str:
        return self.code


class Alert(models.Model):
    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("alert state", "New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INTERVENING = "intervening", _("Intervening")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", pgettext_lazy("alert state", "Closed")

    OPEN_STATES = (State.NEW, State.ACKNOWLEDGED, State.INTERVENING)

    class Outcome(models.TextChoices):
        STABILISED = "stabilised", _("Stabilised")
        REFERRED = "referred", _("Referred")
        HOSPITALISED = "hospitalised", _("Hospitalised")
        LOST_TO_CONTACT = "lost_to_contact", _("Lost to contact")
        FALSE_ALARM = "false_alarm", _("No risk found")
        OTHER = "other", _("Other")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.NEW)
    resident = models.ForeignKey(
        "archives.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("person"),
    )
    # An anonymous caller or an unregistered person: what is known of them (encrypted).
    subject_note = EncryptedTextField(_("about the person"), blank=True)
    # Where it came from: the org unit whose staff must answer (the resident's, or the reporter's).
    org_unit = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=AlertRule.Source.choices)
    rule = models.ForeignKey(
        AlertRule, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts"
    )
    owner = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_alerts",
        verbose_name=_("owner"),
    )
    opened_at = models.DateTimeField(_("raised"))
    # The time by which someone must acknowledge (or, once acknowledged, act); a missed deadline
    # escalates: 0 = not escalated, 1 = to the duty supervisor, 2 = to the director.
    respond_by = models.DateTimeField(_("respond by"), db_index=True)
    escalation_stage = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = EncryptedTextField(_("outcome note"), blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            # One open alert per person: later signals merge into it (CRI-2).
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(state__in=["new", "acknowledged", "intervening"], resident__isnull=False),
                name="crisis_one_open_alert_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class AlertEvent(models.Model):
    """The alert's history: every signal merged, level raised, acknowledgement, assignment,
    escalation and state change."""

    class Kind(models.TextChoices):
        RAISED = "raised", _("Raised")
        SIGNAL = "signal", _("Further signal")
        LEVEL_RAISED = "level_raised", _("Level raised")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Escalated")
        INTERVENING = "intervening", _("Intervention started")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", pgettext_lazy("alert event", "Closed")
        NOTE = "note", _("Note")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signal = models.ForeignKey(
        "assessments.RiskSignal", on_delete=models.PROTECT, null=True, blank=True, related_name="alert_events"
    )
    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    to_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    to_user = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.kind}"


class ConcernReport(models.Model):
    """舆情信息: a grid worker, teacher, psych committee member or volunteer reports a worry about
    someone. The reporter sees nothing clinical afterwards, only that it was received."""

    reporter = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="concern_reports")
    resident = models.ForeignKey(
        "archives.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concern_reports",
        verbose_name=_("resident"),
    )
    person_description = EncryptedTextField(_("who (if not registered)"), blank=True)
    location = EncryptedTextField(_("where"), blank=True)
    description = EncryptedTextField(_("what you saw or heard"))
    urgent = models.BooleanField(_("urgent: the person may be in danger now"), default=False)
    signal = models.OneToOneField(
        "assessments.RiskSignal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concern_report",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("concern report")
        verbose_name_plural = _("concern reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"concern:{self.pk}"
