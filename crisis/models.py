"""Crisis early warning (CRI-1, CRI-2, CRI-4): warning rules, alerts with response deadlines and
escalation, and concern reports from field staff.

Signals (``RiskSignal``) come from assessments, the hotline, counsellors' flags,
concern reports and external systems. ``AlertRule`` rows decide which signal raises which level;
one open alert per person collects every later signal (raising its level if higher). Every step
of an alert is an ``AlertEvent``: the alert's history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archives.models import RiskLevel
from confidentiality.fields import EncryptedTextField
from lib.states import StateTable

USER = settings.AUTH_USER_MODEL


class RiskSignal(models.Model):
    """A warning signal (CRI-1): from a result (a critical flag or a severe band), the hotline, a
    counsellor's flag, a concern report or an external system. The warning rules turn signals
    into alerts (``crisis.services.intake``); until then they are listed for the clinical team."""

    class Source(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment")
        HOTLINE = "hotline", _("Hotline or online consultation")
        COUNSELLOR = "counsellor", _("Counsellor's flag")
        CONCERN = "concern", _("Concern report")
        EXTERNAL = "external", _("External system")

    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="risk_signals"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="signals"
    )
    flags = models.JSONField(default=list, blank=True)
    band = models.CharField(max_length=40, blank=True)
    # Counsellor flags, concern reports and external systems: who raised it, whether they marked
    # it urgent or as immediate danger, and what they wrote (clinical: encrypted).
    urgent = models.BooleanField(default=False)
    immediate_danger = models.BooleanField(default=False)
    note = EncryptedTextField(blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("risk signal")
        verbose_name_plural = _("risk signals")
        # The table keeps the name it had while the model lived in assessments.
        db_table = "assessments_risksignal"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source}:{self.band}:{','.join(self.flags)}"


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
        RESOLVED = "resolved", pgettext_lazy("alert state", "Resolved")
        CLOSED = "closed", pgettext_lazy("alert state", "Closed")

    OPEN_STATES = (State.NEW, State.ACKNOWLEDGED, State.INTERVENING)
    # What can be done to an alert in each state: crisis.services.alerts (and crisis_case_open)
    # enforce it and the alert's page offers exactly these forms, so the two never drift apart.
    ACTIONS = StateTable(
        field="state",
        table={
            State.NEW: ("acknowledge", "assign", "open_case", "note"),
            State.ACKNOWLEDGED: ("intervene", "resolve", "assign", "open_case", "note"),
            State.INTERVENING: ("resolve", "assign", "open_case", "note"),
            State.RESOLVED: ("close", "note"),
            State.CLOSED: ("note",),
        },
    )

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
        verbose_name = _("crisis alert")
        verbose_name_plural = _("crisis alerts")
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
        RESOLVED = "resolved", pgettext_lazy("alert event", "Resolved")
        CLOSED = "closed", pgettext_lazy("alert event", "Closed")
        NOTE = "note", _("Note")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signal = models.ForeignKey(
        "crisis.RiskSignal", on_delete=models.PROTECT, null=True, blank=True, related_name="alert_events"
    )
    rule = models.ForeignKey(AlertRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    to_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    to_user = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = EncryptedTextField(blank=True)

    class Meta:
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")
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
        "crisis.RiskSignal",
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


# ---------------------------------------------------------------------------------------------
# Crisis cases (CRI-3) and the watch list (CRI-4)


class CrisisCase(models.Model):
    """Crisis intervention for one alert: risk assessment, safety plan, action log, checks at
    24 h, 72 h and 7 days, and a closing that a supervisor reviews.

    It may be opened without the person's consent on file: the basis is then danger to life or
    safety, recorded here, and a task to inform the person afterwards is created."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("crisis case status", "Open")
        AWAITING_REVIEW = "awaiting_review", _("Awaiting the supervisor's review")
        CLOSED = "closed", pgettext_lazy("crisis case status", "Closed")

    # What can be done to a case in each status: crisis.services.cases enforces it and the case's
    # page offers these forms (reviewing also needs the policy's can_review_crisis_case). The
    # case's own action log is ``actions`` (CrisisAction), not this table.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.OPEN: ("risk", "plan", "action", "close"),
            Status.AWAITING_REVIEW: ("risk", "plan", "action", "review"),
            Status.CLOSED: (),
        },
    )

    class Outcome(models.TextChoices):
        STABILISED = "stabilised", _("Stabilised")
        REFERRED = "referred", _("Referred")
        HOSPITALISED = "hospitalised", _("Hospitalised")
        LOST_TO_CONTACT = "lost_to_contact", _("Lost to contact")
        OTHER = "other", _("Other")

    alert = models.OneToOneField(Alert, on_delete=models.PROTECT, related_name="crisis_case")
    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="crisis_cases"
    )
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="crisis_cases", verbose_name=_("owner")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    consent_bypassed = models.BooleanField(
        _("opened without consent on file (danger to life or safety)"), default=False
    )
    # The structured risk assessment (documented in docs/crisis.md).
    ideation = EncryptedTextField(_("suicidal or violent ideation"), blank=True)
    plan = EncryptedTextField(_("plan"), blank=True)
    means = EncryptedTextField(_("access to means"), blank=True)
    history = EncryptedTextField(_("history (attempts, self-harm, crises)"), blank=True)
    protective_factors = EncryptedTextField(_("protective factors"), blank=True)
    risk_summary = EncryptedTextField(_("risk formulation"), blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Closing: proposed by the owner with an outcome, confirmed by a supervisor's review.
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    closing_summary = EncryptedTextField(_("closing summary"), blank=True)
    close_requested_at = models.DateTimeField(null=True, blank=True)
    close_requested_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The archive's risk level once the crisis is over, set by whoever asks to close (a closed
    # crisis does not mean no risk: a clinician says what is left, and why); it takes effect on
    # the archive when the review confirms the closing. Empty for a person not on file.
    closing_risk_level = models.CharField(
        _("risk level after the crisis"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    closing_risk_reason = EncryptedTextField(_("reason for the risk level"), blank=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = EncryptedTextField(_("review note"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("crisis case")
        verbose_name_plural = _("crisis cases")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"crisis:{self.pk}"


class SafetyPlan(models.Model):
    """The client's safety plan (Stanley–Brown structure), printable for them. Each save is a new
    version; the newest is the plan in force."""

    crisis_case = models.ForeignKey(CrisisCase, on_delete=models.CASCADE, related_name="safety_plans")
    version = models.PositiveSmallIntegerField()
    warning_signs = EncryptedTextField(_("warning signs"))
    coping_steps = EncryptedTextField(_("things I can do on my own"))
    people_places = EncryptedTextField(_("people and places that help"), blank=True)
    professionals = EncryptedTextField(_("professionals and hotlines"))
    means_restriction = EncryptedTextField(_("making the surroundings safe"), blank=True)
    written_at = models.DateTimeField()
    written_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("safety plan")
        verbose_name_plural = _("safety plans")
        ordering = ["crisis_case", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["crisis_case", "version"], name="crisis_one_safety_plan_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.crisis_case_id}:v{self.version}"


class CrisisAction(models.Model):
    """The action log. A contact made outside the team (guardian, police, hospital…) carries the
    disclosure recorded for it (basis: danger to life or safety)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Phone call with the person")
        VISIT = "visit", _("Visit")
        GUARDIAN = "guardian", _("Guardian or family notified")
        POLICE = "police", _("Police contacted")
        HOSPITAL = "hospital", _("Hospital or emergency service contacted")
        OTHER_CONTACT = "other_contact", _("Other contact outside the team")
        NOTE = "note", _("Note")

    DISCLOSING = (Kind.GUARDIAN, Kind.POLICE, Kind.HOSPITAL, Kind.OTHER_CONTACT)

    crisis_case = models.ForeignKey(CrisisCase, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recipient = models.CharField(_("contacted"), max_length=120, blank=True)
    text = EncryptedTextField(_("what was done and said"))
    disclosure = models.ForeignKey(
        "confidentiality.Disclosure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("crisis action")
        verbose_name_plural = _("crisis actions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.crisis_case_id}:{self.kind}"


class CrisisCheck(models.Model):
    """A clock on a crisis case: the checks at 24 h, 72 h and 7 days, and, where consent was
    bypassed, the task to inform the person afterwards."""

    class Kind(models.TextChoices):
        H24 = "24h", _("Check after 24 hours")
        H72 = "72h", _("Check after 72 hours")
        D7 = "7d", _("Check after 7 days")
        INFORM_PERSON = "inform_person", _("Inform the person of what was disclosed without consent")

    # The follow-up checks: a case closes only once each is done or waived with a reason (the
    # task to inform the person is not one of them: it may be carried out after the closing).
    FOLLOW_UP = (Kind.H24, Kind.H72, Kind.D7)

    crisis_case = models.ForeignKey(CrisisCase, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField(_("due"), db_index=True)
    assignee = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = EncryptedTextField(_("result"), blank=True)
    # A follow-up check that cannot or need not happen (the person is in hospital, has moved
    # away, cannot be reached): waived on purpose, with the reason, instead of left open.
    waived_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    waive_reason = EncryptedTextField(_("reason for waiving"), blank=True)

    class Meta:
        verbose_name = _("crisis check")
        verbose_name_plural = _("crisis checks")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["crisis_case", "kind"], name="crisis_one_check_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.crisis_case_id}:{self.kind}"

    @property
    def is_open(self) -> bool:
        """Neither done nor waived."""
        return self.done_at is None and self.waived_at is None

    @property
    def can_be_waived(self) -> bool:
        """Whether a waiver may be recorded: an open follow-up check (24 h, 72 h, 7 days), never
        the task to inform the person, which is owed to them whatever happens. The waiving service
        enforces it and the case page offers the waiver by it."""
        return self.is_open and self.kind in self.FOLLOW_UP


class WatchListEntry(models.Model):
    """重点关注人群: a person under watch after an open or recent crisis, reviewed periodically."""

    resident = models.ForeignKey("archives.Resident", on_delete=models.PROTECT, related_name="watch_entries")
    crisis_case = models.ForeignKey(
        CrisisCase, on_delete=models.PROTECT, null=True, blank=True, related_name="watch_entries"
    )
    reason = EncryptedTextField(_("reason"))
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review_on = models.DateField(_("next review"), db_index=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = EncryptedTextField(_("reason for removal"), blank=True)

    class Meta:
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch list")
        ordering = ["review_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(removed_at__isnull=True),
                name="crisis_one_active_watch_entry",
            )
        ]

    def __str__(self) -> str:
        return f"watch:{self.resident_id}"


class WatchReview(models.Model):
    """One periodic review of a watch-list entry: what it found and when the next one is due."""

    entry = models.ForeignKey(WatchListEntry, on_delete=models.PROTECT, related_name="reviews")
    reviewed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    was_due = models.DateField(_("was due"))
    next_review_on = models.DateField(_("next review"))
    note = EncryptedTextField(_("what the review found"))

    class Meta:
        verbose_name = _("watch-list review")
        verbose_name_plural = _("watch-list reviews")
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"watch-review:{self.entry_id}"
