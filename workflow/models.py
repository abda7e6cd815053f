"""Service workflow (SVC-1 … SVC-10): appointments, cases with intake, plans and sessions,
private process notes, follow-ups, satisfaction, referrals, the hotline log and home visits.

Free text that says anything about a person's troubles is encrypted at rest (CONF-7). Who may
read which row is decided in ``confidentiality.policy``, never here or in a template.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confidentiality.fields import BlindIndexField, EncryptedTextField
from lib.states import StateTable
from lib.wording import IN_DANGER_NOW

USER = settings.AUTH_USER_MODEL
REASON_MAX = 200  # the reasons' limit from before they were encrypted; forms say the same
# Travel to and from a home visit holds both staff members' time around it (SVC-10).
TRAVEL_DEFAULT_MINUTES = 30
TRAVEL_MAX_MINUTES = 180


class Modality(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    QQ = "qq", _("Online (QQ)")
    WECHAT = "wechat", _("Online (WeChat)")
    EMAIL = "email", _("Online (e-mail)")
    HOME_VISIT = "home_visit", _("Home visit")
    GROUP = "group", _("Group")


# ---------------------------------------------------------------------------------------------
# Appointments (SVC-1)


class Appointment(models.Model):
    class Service(models.TextChoices):
        COUNSELLING = "counselling", _("Individual counselling")
        ASSESSMENT = "assessment", _("Psychological assessment")
        FAMILY = "family", _("Family counselling")
        CONSULTATION = "consultation", _("Consultation and advice")
        HOME_VISIT = "home_visit", _("Home visit")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        PORTAL = "portal", _("Online (portal)")
        ON_SITE = "on_site", _("On site")
        REFERRAL = "referral", _("Referral")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETED = "completed", pgettext_lazy("appointment status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("appointment status", "Cancelled")
        NO_SHOW = "no_show", _("No-show")

    # States in which an appointment holds its counsellor's and room's time.
    HOLDING = (Status.REQUESTED, Status.CONFIRMED, Status.CHECKED_IN, Status.COMPLETED)
    # What can be done to an appointment in each status: workflow's services enforce it and the
    # appointment's page offers it (a no-show also waits for the start time). A checked-in
    # appointment opens a case, or is completed by the session recorded from it; a completed one
    # asks for the client's feedback.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.REQUESTED: ("confirm", "reschedule", "cancel"),
            Status.CONFIRMED: ("reschedule", "check_in", "cancel", "no_show"),
            Status.CHECKED_IN: ("open_case", "complete"),
            Status.COMPLETED: ("feedback",),
            Status.CANCELLED: (),
            Status.NO_SHOW: (),
        },
    )

    site = models.ForeignKey(
        "orgs.ServiceSite", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("site")
    )
    room = models.ForeignKey(
        "orgs.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("room"),
    )
    counsellor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("counsellor"),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    service = models.CharField(_("service wanted"), max_length=20, choices=Service.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    resident = models.ForeignKey(
        "archives.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("resident"),
    )
    # Basic information given with the request, kept until (and after) a resident is matched.
    contact_name = EncryptedTextField(_("name"))
    contact_phone = EncryptedTextField(_("phone"), blank=True)
    contact_phone_index = BlindIndexField()
    contact_sex = models.CharField(_("sex"), max_length=1, blank=True)
    contact_age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    reason = EncryptedTextField(_("what they would like help with"), blank=True)
    address = EncryptedTextField(_("address (home visits)"), blank=True)
    # Home visits (SVC-10): the second staff member who goes along (the two-person rule), and the
    # travel before and after, which holds both people's time but no room.
    companion = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accompanied_appointments",
        verbose_name=_("second staff member"),
    )
    travel_before_minutes = models.PositiveSmallIntegerField(
        _("travel before (minutes)"), default=0, validators=[MaxValueValidator(TRAVEL_MAX_MINUTES)]
    )
    travel_after_minutes = models.PositiveSmallIntegerField(
        _("travel after (minutes)"), default=0, validators=[MaxValueValidator(TRAVEL_MAX_MINUTES)]
    )
    case = models.ForeignKey(
        "workflow.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    # A portal request carries a key made in the browser, so a double submit stores one request.
    request_key = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="wf_appointment_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} {self.get_service_display()}"

    @property
    def is_home_visit(self) -> bool:
        return self.service == self.Service.HOME_VISIT

    @property
    def busy_from(self):
        """When the staff's time starts being held: the start, less the travel there."""
        return self.starts_at - timedelta(minutes=self.travel_before_minutes or 0)

    @property
    def busy_until(self):
        """When the staff's time stops being held: the end, plus the travel back."""
        return self.ends_at + timedelta(minutes=self.travel_after_minutes or 0)

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
        if self.room_id and self.site_id and self.room.site_id != self.site_id:
            raise ValidationError({"room": _("This room is not at the chosen site.")})


class SlotClaim(models.Model):
    """One slot (``XINQIAO_APPOINTMENT_SLOT_MINUTES`` long) of a counsellor's or a room's time,
    held by an appointment. The unique constraint is what makes double booking impossible on
    every database, even when two requests race: the second insert fails."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="claims")
    resource = models.CharField(max_length=30)  # "counsellor:<id>" or "room:<id>"
    slot_start = models.DateTimeField()

    class Meta:
        verbose_name = _("slot claim")
        verbose_name_plural = _("slot claims")
        constraints = [
            models.UniqueConstraint(fields=["resource", "slot_start"], name="wf_one_booking_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.resource}@{self.slot_start:%Y-%m-%d %H:%M}"


class AppointmentChange(models.Model):
    """The appointment's history: every status change, reschedule and reassignment."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Registered")
        CONFIRMED = "confirmed", _("Confirmed")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETED = "completed", pgettext_lazy("appointment status", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("appointment status", "Cancelled")
        NO_SHOW = "no_show", _("No-show")
        MATCHED = "matched", _("Matched to a resident")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_starts_at = models.DateTimeField(null=True, blank=True)
    to_starts_at = models.DateTimeField(null=True, blank=True)
    from_counsellor = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_counsellor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_room = models.ForeignKey(
        "orgs.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_room = models.ForeignKey(
        "orgs.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A home visit's second person and travel (SVC-10): who goes and how long both are away.
    from_companion = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_companion = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    from_travel = models.CharField(max_length=20, blank=True)
    to_travel = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.appointment_id}:{self.kind}"


# ---------------------------------------------------------------------------------------------
# Cases (SVC-2), intake (SVC-3), service plans (SVC-4)


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("case status", "Open")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", _("Resolved")
        IMPROVED = "improved", _("Improved")
        REFERRED = "referred", _("Referred")
        DROPPED = "dropped", _("Dropped out")
        OTHER = "other", _("Other")

    # What can be done to a case in each status: workflow's services enforce it and the case's
    # page offers it. "record" is the clinical work on the case (intake, plan and its agreement,
    # sessions, assessments); "feedback" is asking for the client's satisfaction, after the
    # service.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.OPEN: ("record", "refer", "transfer", "close"),
            Status.CLOSED: ("reopen", "feedback"),
        },
    )

    number = models.CharField(_("case number"), max_length=20, unique=True)
    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, related_name="cases", verbose_name=_("client")
    )
    counsellor = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="cases", verbose_name=_("counsellor")
    )
    presenting_problem = EncryptedTextField(_("presenting problem"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    source_appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    closing_summary = EncryptedTextField(_("closing summary"), blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (models.Q(closed_at__isnull=False) & ~models.Q(outcome="")),
                name="wf_closed_case_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return self.number


class CaseTransfer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_counsellor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    to_counsellor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # Why a client changes counsellor is often clinical: encrypted like the case itself.
    reason = EncryptedTextField(_("reason"), validators=[MaxLengthValidator(REASON_MAX)])
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_counsellor_id}→{self.to_counsellor_id}"


class CaseReopening(models.Model):
    """A closed case taken up again: why (encrypted, never in the audit log), by whom, and what
    the closing had said."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reopenings")
    reason = EncryptedTextField(_("reason"), validators=[MaxLengthValidator(REASON_MAX)])
    previous_outcome = models.CharField(max_length=10, choices=Case.Outcome.choices, blank=True)
    previous_closed_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("case reopening")
        verbose_name_plural = _("case reopenings")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: reopened"


class Intake(models.Model):
    """The first-session record (接待与评估). Instruments given at intake are assessments linked
    to the case with phase ``intake``."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="intake")
    held_on = models.DateField(_("date"))
    chief_complaint = EncryptedTextField(_("chief complaint"))
    history = EncryptedTextField(_("background and history"), blank=True)
    observations = EncryptedTextField(_("observations (appearance, mood, thinking)"), blank=True)
    risk_notes = EncryptedTextField(_("risk"), blank=True)
    impression = EncryptedTextField(_("initial assessment"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")

    def __str__(self) -> str:
        return f"{self.case_id}:intake"


class ServicePlan(models.Model):
    """One version of a case's plan. A revision is a new row; earlier versions stay as written."""

    class Agreement(models.TextChoices):
        VERBAL = "verbal", _("Verbally")
        WRITTEN = "written", _("Signed on paper")
        ELECTRONIC = "electronic", _("Confirmed electronically")
        GUARDIAN = "guardian", _("By the guardian")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveSmallIntegerField()
    goals = EncryptedTextField(_("goals"))
    content = EncryptedTextField(_("content and methods"))
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    frequency = models.CharField(_("frequency"), max_length=60)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    agreed_on = models.DateField(_("client agreed on"), null=True, blank=True)
    agreement = models.CharField(
        _("how the client agreed"), max_length=20, choices=Agreement.choices, blank=True
    )
    revision_reason = EncryptedTextField(
        _("reason for the revision"), blank=True, validators=[MaxLengthValidator(REASON_MAX)]
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="wf_one_plan_per_version"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="wf_plan_valid_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:v{self.version}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The end date must not be before the start date.")})
        if bool(self.agreed_on) != bool(self.agreement):
            raise ValidationError(
                {"agreement": _("Record both the date the client agreed and how they agreed, or neither.")}
            )


class CaseAssessment(models.Model):
    """An assessment given inside a case (ASM-3), and at which stage: intake, review or closing.

    A link table, so that the assessments domain keeps knowing nothing of cases."""

    class Phase(models.TextChoices):
        INTAKE = "intake", _("Intake")
        REVIEW = "review", _("Review")
        CLOSING = "closing", _("Closing")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="case_assessments")
    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="case_link"
    )
    phase = models.CharField(_("stage"), max_length=10, choices=Phase.choices)

    class Meta:
        verbose_name = _("case assessment")
        verbose_name_plural = _("case assessments")
        ordering = ["assessment__administered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.phase}:{self.assessment_id}"


# ---------------------------------------------------------------------------------------------
# Sessions (SVC-5), private process notes, home visits (SVC-10)


class SessionRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number"))
    appointment = models.OneToOneField(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="session"
    )
    held_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    content = EncryptedTextField(_("content"))
    client_feedback = EncryptedTextField(_("client feedback"), blank=True)
    problems_handled = EncryptedTextField(_("problems handled"), blank=True)
    next_steps = EncryptedTextField(_("next steps"), blank=True)
    # Home visits: where, and who went along (staff or volunteers).
    address = EncryptedTextField(_("address"), blank=True)
    companions = models.ManyToManyField(USER, blank=True, related_name="+", verbose_name=_("companions"))
    # The home-visit checklist as filled in: {"code", "version", "done": [item keys]} of the
    # versioned list in workflow/checklists/ at the time, so later versions never rewrite it.
    visit_checklist = models.JSONField(_("visit checklist"), default=dict, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # Made when the form is shown, so that Back + save again stores the session once.
    request_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("session record")
        verbose_name_plural = _("session records")
        ordering = ["case", "number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="wf_session_number_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.number}"


class SessionAddendum(models.Model):
    """A correction of a session record, written after it and beside it: the record itself is never
    edited, so what was written first and why it was corrected both stay readable."""

    session = models.ForeignKey(SessionRecord, on_delete=models.PROTECT, related_name="addenda")
    text = EncryptedTextField(_("correction"))
    reason = EncryptedTextField(_("reason for the correction"))
    written_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("session addendum")
        verbose_name_plural = _("session addenda")
        ordering = ["session", "written_at", "pk"]

    def __str__(self) -> str:
        return f"addendum:{self.session_id}:{self.pk}"


class PrivateNote(models.Model):
    """A counsellor's process notes beside a session: their author's alone. Never exported, never
    in the API, never shown to supervisors or the director."""

    session = models.ForeignKey(SessionRecord, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("private note"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="wf_one_private_note_per_author")
        ]

    def __str__(self) -> str:
        return f"note:{self.session_id}"


# ---------------------------------------------------------------------------------------------
# Follow-ups (SVC-6)


class FollowUpTask(models.Model):
    class Source(models.TextChoices):
        SCREENING = "screening", _("Screening positive")
        CASE_CLOSURE = "case_closure", _("After case closure")
        MANUAL = "manual", _("Planned by staff")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up status", "Open")
        DONE = "done", pgettext_lazy("follow-up status", "Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Home visit")
        IN_PERSON = "in_person", _("In person at the centre")
        ONLINE = "online", _("Online (WeChat / QQ / e-mail)")
        MESSAGE = "message", _("Text message")

    # What can be done to a follow-up in each status: workflow.services.followups enforces it and
    # the task's page offers it. A task done or cancelled is kept as it is.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.OPEN: ("complete", "reassign", "cancel"),
            Status.DONE: (),
            Status.CANCELLED: (),
        },
    )

    resident = models.ForeignKey("archives.Resident", on_delete=models.PROTECT, related_name="follow_ups")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    campaign = models.ForeignKey(
        "assessments.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups")
    # e.g. "筛查阳性：PHQ-9 重度抑郁": says why the client is contacted, so it is encrypted.
    reason = EncryptedTextField(_("reason"), validators=[MaxLengthValidator(REASON_MAX)])
    due_on = models.DateField(_("due on"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices, default=Method.PHONE)
    assignee = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("assignee"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            # One follow-up per person per campaign, however often the report is run.
            models.UniqueConstraint(
                fields=["resident", "campaign"],
                condition=models.Q(source="screening"),
                name="wf_one_screening_task",
            ),
            # Closing a case twice (e.g. after a reopen) never doubles its follow-ups for one date.
            models.UniqueConstraint(
                fields=["case", "due_on"],
                condition=models.Q(source="case_closure"),
                name="wf_one_closure_task_per_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id}:{self.reason}"


# ---------------------------------------------------------------------------------------------
# Satisfaction (SVC-7)


class SatisfactionSurvey(models.Model):
    """A one-time feedback link after a service, or feedback given on paper and entered by staff."""

    class Channel(models.TextChoices):
        LINK = "link", _("Online link")
        PAPER = "paper", _("On paper")

    token = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.LINK)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    counsellor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Feedback about something other than a case or an appointment (an activity of a higher
    # domain), named by its model label and id, with the words the resident's page shows.
    related_type = models.CharField(max_length=60, blank=True, db_index=True)
    related_id = models.CharField(max_length=40, blank=True)
    subject_label = models.CharField(_("about"), max_length=120, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = EncryptedTextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="wf_rating_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"survey:{self.pk}"


# ---------------------------------------------------------------------------------------------
# Referrals (SVC-8)


class Institution(models.Model):
    """The directory of hospitals and specialist institutions a centre refers to."""

    class Kind(models.TextChoices):
        PSYCHIATRIC = "psychiatric", _("Psychiatric hospital")
        GENERAL = "general", _("General hospital (psychology / psychiatry department)")
        SPECIALIST = "specialist", _("Specialist counselling institution")
        SOCIAL = "social", _("Social work / civil affairs service")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    department = models.CharField(_("department"), max_length=120, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Referral(models.Model):
    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent (within days)")
        EMERGENCY = "emergency", _("Emergency (today)")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("receiver")
    )
    reason = EncryptedTextField(_("reason for referral"))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    referred_at = models.DateTimeField()
    referred_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    disclosure = models.ForeignKey(
        "confidentiality.Disclosure", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_confirmed_at = models.DateTimeField(null=True, blank=True)
    receipt_note = models.CharField(_("receipt note"), max_length=200, blank=True)
    outcome = EncryptedTextField(_("outcome"), blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}→{self.institution_id}"


# ---------------------------------------------------------------------------------------------
# Hotline and online consultation (SVC-9)


class HotlineEntry(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", _("Hotline (phone)")
        WECHAT = "wechat", _("WeChat")
        QQ = "qq", _("QQ")
        EMAIL = "email", _("E-mail")

    class Topic(models.TextChoices):
        EMOTION = "emotion", _("Mood and emotions")
        FAMILY = "family", _("Family and marriage")
        RELATIONSHIPS = "relationships", _("Relationships")
        STUDY_WORK = "study_work", _("Study or work")
        HEALTH = "health", _("Physical health and sleep")
        CRISIS = "crisis", _("Crisis")
        INFORMATION = "information", _("Information about services")
        OTHER = "other", _("Other")

    class Action(models.TextChoices):
        SUPPORT = "support", _("Listened and supported")
        INFORMATION = "information", _("Gave information")
        APPOINTMENT = "appointment", _("Booked an appointment")
        REFERRAL = "referral", _("Referred elsewhere")
        CRISIS = "crisis", _("Started crisis intervention")
        OTHER = "other", _("Other")

    # The structured risk check; any "yes" is a positive check and writes a risk signal.
    RISK_ITEMS = (
        "risk_suicidal_thoughts",
        "risk_plan",
        "risk_means",
        "risk_harm_to_others",
        "risk_immediate_danger",
    )

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    started_at = models.DateTimeField(_("time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    anonymous = models.BooleanField(_("anonymous caller"), default=True)
    caller_name = EncryptedTextField(_("caller's name"), blank=True)
    caller_contact = EncryptedTextField(_("caller's phone or account"), blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    summary = EncryptedTextField(_("summary"), blank=True)
    risk_suicidal_thoughts = models.BooleanField(_("Thoughts of suicide or self-harm"), default=False)
    risk_plan = models.BooleanField(_("A plan"), default=False)
    risk_means = models.BooleanField(_("Access to means"), default=False)
    risk_harm_to_others = models.BooleanField(_("Risk of harming others"), default=False)
    risk_immediate_danger = models.BooleanField(IN_DANGER_NOW, default=False)
    action = models.CharField(_("action taken"), max_length=20, choices=Action.choices)
    action_note = EncryptedTextField(_("action details"), blank=True)
    resident = models.ForeignKey(
        "archives.Resident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_entries",
        verbose_name=_("resident"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_entries",
        verbose_name=_("case"),
    )
    signal = models.ForeignKey(
        "crisis.RiskSignal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hotline_entries",
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hotline entry")
        verbose_name_plural = _("hotline entries")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def risk_flags(self) -> list[str]:
        return [name.removeprefix("risk_") for name in self.RISK_ITEMS if getattr(self, name)]

    @property
    def risk_positive(self) -> bool:
        return bool(self.risk_flags)
