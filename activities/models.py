"""Activities and publicity (PRG-1) and the parent school (PRG-7).

An activity (a lecture, a broadcast, a board, a parent-school session…) is organised by staff,
published, held and summarised; residents sign up for it (on the portal, by phone, at the door),
wait for a seat when it is full, and are checked in. Where names are not taken, a headcount per
audience group is kept apart from the named attendance.

Families of the parent school collect credit hours from the sessions they attend, towards their
school's yearly target.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confidentiality.fields import BlindIndexField, EncryptedTextField
from lib.states import StateTable

USER = settings.AUTH_USER_MODEL

# The phone of a registration is indexed with the residents' purpose, so a registration can be
# matched to the resident with the same phone without decrypting anything.
PHONE_INDEX_PURPOSE = "resident.phone"


class AudienceGroup(models.TextChoices):
    STUDENTS = "students", _("Students")
    COMMITTEE = "committee", _("Committee members")
    TEACHERS = "teachers", _("Teachers")
    PARENTS = "parents", _("Parents")
    ELDERLY = "elderly", _("Elderly residents")
    RESIDENTS = "residents", _("Residents")
    STAFF = "staff", _("Staff")
    OTHER = "other", pgettext_lazy("audience group", "Other")


class Activity(models.Model):
    class Kind(models.TextChoices):
        LECTURE = "lecture", _("Lecture")
        WORKSHOP = "workshop", _("Workshop")
        BROADCAST = "broadcast", _("Broadcast")
        DISPLAY_BOARD = "display_board", _("Display board")
        BLACKBOARD_CONTEST = "blackboard_contest", _("Blackboard contest")
        NEWSLETTER_LAUNCH = "newsletter_launch", _("Newsletter launch")
        PSYCHODRAMA = "psychodrama", _("Psychodrama")
        PARENT_SCHOOL = "parent_school", _("Parent-school session")
        MENTAL_HEALTH_MONTH = "mental_health_month", _("Mental-health-month event")
        OTHER = "other", pgettext_lazy("activity kind", "Other")

    class Mode(models.TextChoices):
        NONE = "none", _("No registration")
        OPEN = "open", _("Open registration")
        APPROVAL = "approval", _("Registration needs approval")
        INVITE = "invite", _("By invitation")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("activity status", "Draft")
        PUBLISHED = "published", pgettext_lazy("activity status", "Published")
        REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
        HELD = "held", pgettext_lazy("activity status", "Held")
        SUMMARISED = "summarised", pgettext_lazy("activity status", "Summarised")
        CANCELLED = "cancelled", pgettext_lazy("activity status", "Cancelled")

    # edit: change the details; register: sign-up on the portal or by phone; walk_in: at the
    # door; attendance: check-in, ticking the roster, headcounts; move: the organiser moves a
    # person between confirmed and waiting; feedback: the satisfaction links after the event.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.DRAFT: ("edit", "publish", "cancel"),
            Status.PUBLISHED: (
                "edit",
                "register",
                "walk_in",
                "close_registration",
                "cancel",
                "attendance",
                "move",
                "hold",
            ),
            Status.REGISTRATION_CLOSED: (
                "edit",
                "walk_in",
                "reopen_registration",
                "cancel",
                "attendance",
                "move",
                "hold",
            ),
            Status.HELD: ("attendance", "summarise", "feedback"),
            Status.SUMMARISED: ("feedback",),
            Status.CANCELLED: (),
        },
    )

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.LECTURE)
    description = models.TextField(_("description"), blank=True)
    audience_groups = models.JSONField(_("audience groups"), default=list, blank=True)
    audience_units = models.ManyToManyField(
        "orgs.OrgUnit", blank=True, related_name="+", verbose_name=_("audience units")
    )
    site = models.ForeignKey(
        "orgs.ServiceSite", on_delete=models.PROTECT, related_name="+", verbose_name=_("site")
    )
    room = models.ForeignKey(
        "orgs.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("room")
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    speaker = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("speaker")
    )
    speaker_external = models.CharField(_("external speaker"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waitlist = models.BooleanField(_("waitlist when full"), default=True)
    registration_mode = models.CharField(
        _("registration"), max_length=10, choices=Mode.choices, default=Mode.OPEN
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    credit_hours = models.DecimalField(
        _("credit hours"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))],
        help_text=_("Parent school: hours a family earns by attending. Empty: the length of the session."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # A secret part of the door's check-in address (the QR code at the door).
    checkin_token = models.CharField(max_length=64, unique=True)
    organiser = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="act_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="act_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def takes_names(self) -> bool:
        return self.registration_mode != self.Mode.NONE

    @property
    def hours(self) -> Decimal:
        """Credit hours of a parent-school session: as set, or its length rounded to half hours."""
        if self.credit_hours is not None:
            return self.credit_hours
        minutes = (self.ends_at - self.starts_at) / timedelta(minutes=1)
        return Decimal(round(minutes / 30) * 5) / 10

    def audience_group_labels(self) -> list[str]:
        labels = dict(AudienceGroup.choices)
        return [str(labels.get(code, code)) for code in self.audience_groups]


class Registration(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        PHONE = "phone", _("By phone")
        WALK_IN = "walk_in", _("Walk-in")
        INVITED = "invited", _("Invited")

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("registration status", "Requested")
        APPROVED = "approved", pgettext_lazy("registration status", "Approved")
        REJECTED = "rejected", pgettext_lazy("registration status", "Rejected")
        REGISTERED = "registered", pgettext_lazy("registration status", "Registered")
        WAITLISTED = "waitlisted", pgettext_lazy("registration status", "Waitlisted")
        OFFERED = "offered", pgettext_lazy("registration status", "Offered a seat")
        EXPIRED = "expired", pgettext_lazy("registration status", "Offer expired")
        CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
        ATTENDED = "attended", pgettext_lazy("registration status", "Attended")
        LATE = "late", pgettext_lazy("registration status", "Came late")
        NO_SHOW = "no_show", pgettext_lazy("registration status", "Did not come")

    # Those that hold a seat: seats = capacity − these.
    COUNTED = (Status.APPROVED, Status.REGISTERED, Status.OFFERED, Status.ATTENDED, Status.LATE)
    WAITING = (Status.WAITLISTED,)
    PRESENT = (Status.ATTENDED, Status.LATE)
    # A person has at most one of these per activity ("twice for one person" is refused).
    LIVE = (*COUNTED, Status.REQUESTED, Status.WAITLISTED, Status.NO_SHOW)

    ACTIONS = StateTable(
        field="status",
        table={
            Status.REQUESTED: ("approve", "reject", "cancel"),
            Status.APPROVED: ("cancel", "check_in", "no_show", "move_to_waitlist"),
            Status.REJECTED: (),
            Status.REGISTERED: ("cancel", "check_in", "no_show", "move_to_waitlist"),
            Status.WAITLISTED: ("cancel", "offer", "move_to_seat"),
            Status.OFFERED: ("accept", "expire", "cancel", "check_in", "move_to_seat", "move_to_waitlist"),
            Status.EXPIRED: (),
            Status.CANCELLED: (),
            Status.ATTENDED: ("check_in",),
            Status.LATE: ("check_in",),
            Status.NO_SHOW: ("check_in",),
        },
    )

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    resident = models.ForeignKey(
        "archives.Resident", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey(
        "activities.Family", on_delete=models.PROTECT, null=True, blank=True, related_name="registrations"
    )
    name = models.CharField(_("name of the attendee"), max_length=50)
    # Lower-cased and stripped: "twice for one person" compares this and the phone index.
    name_key = models.CharField(max_length=50, editable=False)
    guardian_name = models.CharField(_("guardian's name"), max_length=50, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = BlindIndexField()
    audience_group = models.CharField(
        _("audience group"), max_length=20, choices=AudienceGroup.choices, default=AudienceGroup.RESIDENTS
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The registrant's own link (cancel, accept an offer); never shown to anyone else.
    token = models.CharField(max_length=64, unique=True)
    request_key = models.UUIDField(null=True, blank=True, unique=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("activity registration")
        verbose_name_plural = _("activity registrations")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["activity", "status"], name="act_reg_activity_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "name_key", "phone_index"],
                condition=models.Q(
                    status__in=[
                        "requested",
                        "approved",
                        "registered",
                        "waitlisted",
                        "offered",
                        "attended",
                        "late",
                        "no_show",
                    ]
                ),
                name="act_one_live_registration_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.name}"


class Headcount(models.Model):
    """People counted (or estimated) at an activity where names are not taken, per audience group.
    Kept apart from the named attendance: statistics add them to 人次, never to 人数."""

    class Method(models.TextChoices):
        COUNTED = "counted", _("Counted")
        ESTIMATED = "estimated", _("Estimated")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="headcounts")
    audience_group = models.CharField(_("audience group"), max_length=20, choices=AudienceGroup.choices)
    count = models.PositiveIntegerField(_("number of people"), validators=[MaxValueValidator(100000)])
    method = models.CharField(_("how"), max_length=10, choices=Method.choices, default=Method.COUNTED)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")
        ordering = ["audience_group"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "audience_group"], name="act_one_headcount_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}:{self.audience_group}={self.count}"


# ---------------------------------------------------------------------------------------------
# The parent school (PRG-7)


class Family(models.Model):
    """A family of the parent school: a guardian, reached by phone, linked to their children
    (students of the school). Attended sessions add to the family's credit ledger."""

    school = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    guardian_name = models.CharField(_("guardian's name"), max_length=50)
    guardian_phone = EncryptedTextField(_("guardian's phone"), blank=True)
    guardian_phone_index = BlindIndexField()
    students = models.ManyToManyField(
        "archives.Resident", blank=True, related_name="+", verbose_name=_("students")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("parent-school family")
        verbose_name_plural = _("parent-school families")
        ordering = ["guardian_name", "pk"]

    def __str__(self) -> str:
        return self.guardian_name


class CreditEntry(models.Model):
    """One line of a family's credit ledger: the hours one attended session earned."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="credits")
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="credit")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    year = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit entry")
        verbose_name_plural = _("credit entries")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.family_id}:{self.hours}"


class SchoolTarget(models.Model):
    """A school's yearly parent-school target (the defaults apply where a school has none)."""

    school = models.OneToOneField(
        "orgs.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    sessions = models.PositiveSmallIntegerField(_("sessions a year"), default=4)
    hours = models.DecimalField(_("hours a year"), max_digits=5, decimal_places=1, default=Decimal("8"))
    attendance_percent = models.PositiveSmallIntegerField(
        _("attendance at least (%)"), default=90, validators=[MaxValueValidator(100)]
    )
    satisfaction_percent = models.PositiveSmallIntegerField(
        _("satisfaction at least (%)"), default=90, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("parent-school target")
        verbose_name_plural = _("parent-school targets")

    def __str__(self) -> str:
        return f"{self.school_id}"
