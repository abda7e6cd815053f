"""Group counselling programmes (PRG-2): the programme, its members, sessions and attendance."""

from __future__ import annotations

import math

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confidentiality.fields import EncryptedTextField
from lib.states import StateTable

USER = settings.AUTH_USER_MODEL


class GroupProgramme(models.Model):
    class Kind(models.TextChoices):
        CLOSED = "closed", _("Closed group (no new members once it has started)")
        OPEN = "open", _("Open group (members may join at any session)")

    class Status(models.TextChoices):
        RECRUITING = "recruiting", _("Recruiting")
        RUNNING = "running", pgettext_lazy("group status", "Running")
        FINISHED = "finished", pgettext_lazy("group status", "Finished")

    ACTIONS = StateTable(
        field="status",
        table={
            Status.RECRUITING: ("add_member", "record_attendance", "enter_scores", "edit_sessions"),
            Status.RUNNING: ("add_member", "record_attendance", "enter_scores", "edit_sessions", "finish"),
            Status.FINISHED: ("enter_scores",),
        },
    )

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLOSED)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RECRUITING)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    location = models.CharField(_("place"), max_length=100, blank=True)
    leaders = models.ManyToManyField(USER, related_name="led_groups", verbose_name=_("leaders"))
    inclusion_criteria = models.TextField(_("inclusion criteria"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=12, validators=[MinValueValidator(2), MaxValueValidator(60)]
    )
    # The planned sessions as a recurrence: the first one, how many, how many days apart.
    first_session_at = models.DateTimeField(_("first session"))
    session_count = models.PositiveSmallIntegerField(
        _("number of sessions"), default=8, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    interval_days = models.PositiveSmallIntegerField(
        _("days between sessions"), default=7, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"), default=90, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    instruments = models.JSONField(_("instruments"), default=list)
    primary_instrument = models.CharField(_("primary instrument"), max_length=40)
    pre_window_days = models.PositiveSmallIntegerField(
        _("pre window (days before the first session)"), default=14, validators=[MaxValueValidator(90)]
    )
    post_window_days = models.PositiveSmallIntegerField(
        _("post window (days after the last session)"), default=14, validators=[MaxValueValidator(90)]
    )
    # Completer: attended at least ⌈numerator / denominator × sessions held⌉ sessions.
    completer_numerator = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    completer_denominator = models.PositiveSmallIntegerField(default=3, validators=[MinValueValidator(1)])
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group programme")
        verbose_name_plural = _("group programmes")
        ordering = ["-first_session_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    def completer_threshold(self, sessions_held: int) -> int:
        """Sessions a member must attend to count as a completer (⌈share × held⌉, integers only)."""
        return math.ceil(sessions_held * self.completer_numerator / self.completer_denominator)


class GroupMember(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        SCREENED = "screened", _("Screened")
        ENROLLED = "enrolled", _("Enrolled")
        ACTIVE = "active", pgettext_lazy("group member status", "Attending")
        COMPLETED = "completed", pgettext_lazy("group member status", "Completed")
        DROPPED = "dropped", _("Dropped out")

    ACTIONS = StateTable(
        field="status",
        table={
            Status.CANDIDATE: ("screen", "drop"),
            Status.SCREENED: ("enrol", "drop"),
            Status.ENROLLED: ("attend", "score", "drop"),
            Status.ACTIVE: ("attend", "score", "drop", "complete"),
            Status.COMPLETED: ("score",),
            Status.DROPPED: (),
        },
    )
    # Members who were enrolled at some point: "all enrolled" in the outcome report.
    ENROLLED_STATES = (Status.ENROLLED, Status.ACTIVE, Status.COMPLETED)

    programme = models.ForeignKey(GroupProgramme, on_delete=models.CASCADE, related_name="members")
    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, related_name="group_memberships"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CANDIDATE)
    screening_note = EncryptedTextField(_("screening note"), blank=True)
    # The signed group agreement (its text carries the group-confidentiality clause).
    consent = models.ForeignKey(
        "confidentiality.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    dropped_at = models.DateTimeField(_("dropped out at"), null=True, blank=True)
    drop_reason = EncryptedTextField(_("reason for dropping out"), blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["programme", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "resident"], name="gc_member_once_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}:{self.resident_id}"

    @property
    def was_enrolled(self) -> bool:
        return self.enrolled_at is not None


class GroupSession(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", pgettext_lazy("group session status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("group session status", "Cancelled")

    ACTIONS = StateTable(
        field="status",
        table={
            Status.PLANNED: ("record_attendance", "edit", "cancel"),
            Status.HELD: ("record_attendance", "edit"),
            Status.CANCELLED: (),
        },
    )

    programme = models.ForeignKey(GroupProgramme, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField(_("session number"))
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    plan = models.TextField(_("session plan"), blank=True)
    # The leaders' own note on the group process: clinical, encrypted, shown to leaders only.
    group_note = EncryptedTextField(_("group note (leaders only)"), blank=True)

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="gc_session_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id}#{self.number}"


class Attendance(models.Model):
    class Mark(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    # Marks that count as having attended the session (completer rule, session records).
    PRESENT = (Mark.ATTENDED, Mark.LATE)

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(GroupMember, on_delete=models.CASCADE, related_name="attendances")
    mark = models.CharField(_("attendance"), max_length=10, choices=Mark.choices)
    # The session record written into the member's case for this attendance: kept here so that
    # saving the attendance again never writes a second one.
    session_record = models.OneToOneField(
        "workflow.SessionRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="gc_attendance_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.member_id}={self.mark}"
