"""Volunteers and peer counsellors, their visit assignments and visit logs (PRG-5).

A volunteer never sees clinical content: an assignment opens to them only what a visit needs
(the resident's name, address, phone and emergency contact) and the visits they wrote. The rules
are in ``volunteers.access``; the writes in ``volunteers.services``; when an assignment needs
contact is decided by one selector, ``volunteers.selectors.assignments_with_contact_due``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.states import StateTable

# Longest visit a volunteer logs in one go: a day's accompanying to hospital, not a week.
VISIT_MAX_MINUTES = 720


class VolunteerProfile(models.Model):
    """A volunteer's or peer counsellor's record, tied to their (volunteer-role) account."""

    class Kind(models.TextChoices):
        VOLUNTEER = "volunteer", _("Volunteer")
        PEER_COUNSELLOR = "peer_counsellor", _("Peer counsellor")

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        TRAINED = "trained", _("Trained")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        EXITED = "exited", _("Exited")

    # train: applicant → trained (a training record exists); activate: trained → active (the
    # confidentiality agreement is signed); assign: may be given a resident to visit.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.APPLICANT: ("edit", "train", "record_training", "sign_agreement", "exit"),
            Status.TRAINED: ("edit", "activate", "record_training", "sign_agreement", "exit"),
            Status.ACTIVE: ("edit", "assign", "pause", "record_training", "sign_agreement", "exit"),
            Status.PAUSED: ("edit", "resume", "record_training", "exit"),
            Status.EXITED: (),
        },
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="volunteer_profile",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.VOLUNTEER)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.APPLICANT)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    dialects = models.CharField(_("dialects"), max_length=100, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coordinated_volunteers",
        verbose_name=_("coordinator"),
    )
    # The confidentiality agreement is signed against the current consent text of kind
    # VOLUNTEER (confidentiality.ConsentText, "志愿者保密协议"). A Consent row belongs to a
    # resident, and a volunteer works for the centre, so the signature is kept here: the exact
    # text (and so its version) signed, the day, and who recorded it. Re-signing a newer version
    # replaces it; the audit log keeps every signature recorded.
    agreement_text = models.ForeignKey(
        "confidentiality.ConsentText",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confidentiality agreement"),
    )
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement recorded by"),
    )
    agreement_recorded_at = models.DateTimeField(_("agreement recorded at"), null=True, blank=True)
    # The final star level (0 = none yet); a change is listed for 5 working days first.
    star_level = models.PositiveSmallIntegerField(_("star level"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")
        ordering = ["user__full_name", "pk"]

    def __str__(self) -> str:
        return self.user.full_name or self.user.username

    @property
    def agreement_signed(self) -> bool:
        return self.agreement_text_id is not None and self.agreement_signed_on is not None


class TrainingRecord(models.Model):
    """A minimal record of a training a volunteer took.

    Kept small on purpose: the Staff-and-quality issue (STF-2) brings the one training record for
    staff and volunteers and takes these rows over. Until then: a course, a date and hours.
    """

    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="trainings")
    course = models.CharField(_("course"), max_length=120)
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.course} {self.completed_on}"


class VisitAssignment(models.Model):
    """A volunteer's regular visits to one resident."""

    class Reason(models.TextChoices):
        EMPTY_NEST = "empty_nest", _("Empty-nest elderly")
        LIVING_ALONE = "living_alone", _("Living alone")
        ELDERLY = "elderly", _("Elderly")
        DISABLED = "disabled", _("Disabled")
        AFTER_CRISIS = "after_crisis", _("Support after a crisis")
        OTHER = "other", _("Other")

    class Frequency(models.IntegerChoices):
        WEEKLY = 7, _("Every 7 days")
        FORTNIGHTLY = 14, _("Every 14 days")
        MONTHLY = 30, _("Every 30 days")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    ACTIONS = StateTable(
        field="status",
        table={
            Status.PROPOSED: ("record_consent", "activate", "end"),
            Status.ACTIVE: ("log_visit", "end"),
            Status.ENDED: (),
        },
    )

    volunteer = models.ForeignKey(
        VolunteerProfile, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("volunteer")
    )
    resident = models.ForeignKey(
        "archives.Resident",
        on_delete=models.PROTECT,
        related_name="visit_assignments",
        verbose_name=_("resident"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    reason_note = models.CharField(_("about the reason"), max_length=200, blank=True)
    frequency_days = models.PositiveSmallIntegerField(
        _("frequency"), choices=Frequency.choices, default=Frequency.FORTNIGHTLY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # The resident's consent to be visited (how and when it was given); required to activate.
    consent_on = models.DateField(_("resident consented on"), null=True, blank=True)
    consent_channel = models.CharField(_("consent given"), max_length=12, blank=True)
    # The contact clock starts here until the first successful contact.
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit assignment")
        verbose_name_plural = _("visit assignments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "resident"],
                condition=~models.Q(status="ended"),
                name="volunteers_one_open_assignment_per_pair",
            )
        ]
        indexes = [models.Index(fields=["status", "volunteer"], name="volunteers_assignment_status")]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.resident}"


class Visit(models.Model):
    """One visit or contact attempt a volunteer logged. Nothing here is a diagnosis: the mood is
    the volunteer's plain impression, and a worry goes to the counsellors as a signal."""

    class Mode(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone call")
        VIDEO = "video", _("Video call")
        ACCOMPANYING = "accompanying", _("Accompanying")
        OTHER = "other", _("Other")

    class Mood(models.TextChoices):
        GOOD = "good", _("Good")
        SO_SO = "so_so", _("So-so")
        LOW = "low", _("Low")
        VERY_LOW = "very_low", _("Very low")

    class Need(models.TextChoices):
        LONELINESS = "loneliness", _("Loneliness")
        HEALTH = "health", _("Health")
        MONEY = "money", _("Money")
        FAMILY_CONFLICT = "family_conflict", _("Family conflict")
        DAILY_LIVING = "daily_living", _("Daily living")
        OTHER = "other", _("Other")

    class Hours(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    ACTIONS = StateTable(
        field="hours_status",
        table={Hours.PENDING: ("approve_hours", "reject_hours"), Hours.APPROVED: (), Hours.REJECTED: ()},
    )

    assignment = models.ForeignKey(VisitAssignment, on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField(_("when"))
    mode = models.CharField(_("how"), max_length=14, choices=Mode.choices)
    contact_made = models.BooleanField(_("contact made"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MaxValueValidator(VISIT_MAX_MINUTES)], default=0
    )
    mood = models.CharField(_("mood"), max_length=10, choices=Mood.choices, blank=True)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    concern = models.BooleanField(_("I am worried about this person"), default=False)
    concern_text = models.TextField(_("what worries you"), blank=True)
    # Set when the visit raised a signal (a concern, or mood very low). The volunteer only ever
    # sees that it was passed on, never the signal, alert or what followed.
    signal = models.ForeignKey(
        "crisis.RiskSignal", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # The form's one-time key: Back and resubmit (or a retry after a dropped connection) finds
    # the visit already written instead of writing it twice.
    submission_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hours_status = models.CharField(max_length=10, choices=Hours.choices, default=Hours.PENDING)
    hours_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hours_decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-pk"]
        indexes = [
            models.Index(fields=["assignment", "contact_made", "visited_at"], name="volunteers_visit_clock"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} {self.visited_at:%Y-%m-%d}"

    @property
    def passed_on(self) -> bool:
        return self.signal_id is not None

    @property
    def need_labels(self) -> list[str]:
        return [str(self.Need(need).label) for need in self.needs if need in self.Need.values]


class StarLevelChange(models.Model):
    """A star level reached (or lost) by approved hours: listed for 5 working days, then final."""

    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        FINAL = "final", _("Final")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIONS = StateTable(
        field="status",
        table={Status.LISTED: ("finalise", "withdraw"), Status.FINAL: (), Status.WITHDRAWN: ()},
    )

    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="level_changes")
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=7, decimal_places=1)
    listed_at = models.DateTimeField()
    final_after = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LISTED)

    class Meta:
        verbose_name = _("star level change")
        verbose_name_plural = _("star level changes")
        ordering = ["-listed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile"], condition=models.Q(status="listed"), name="volunteers_one_listed_change"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile}: {self.from_level} → {self.to_level}"
