"""Case supervision (STF-3): supervision sessions, the cases discussed in them, and the
recommendations followed through to done or not adopted.

Who supervises whom is the staff account's ``supervisor`` (accounts.User): the same data that
puts a supervisor on their supervisees' case teams (workflow.access), read here through
``supervision.selectors.supervisees_of``. A session's supervisor is either one of the staff or an
external supervisor, named with their qualification.

A summary speaks about clients: it is encrypted at rest (CONF-7). Who may read a session, and
how a discussed case is shown to each attendee, is decided in ``supervision.access`` and the
workflow's case rules, never here or in a template.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from confidentiality.fields import EncryptedTextField
from lib.states import StateTable

USER = settings.AUTH_USER_MODEL
SUMMARY_MAX = 5000
TEXT_MAX = 1000
REASON_MAX = 300
# A supervision session of more than a working day is a typo (480 for 4:80).
SESSION_MAX_MINUTES = 480


class SupervisionSession(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", pgettext_lazy("supervision", "Individual")
        GROUP = "group", pgettext_lazy("supervision", "Group")
        PEER = "peer", pgettext_lazy("supervision", "Peer")

    kind = models.CharField(_("kind of supervision"), max_length=12, choices=Kind.choices)
    supervisor = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_sessions_led",
        verbose_name=_("supervisor"),
    )
    external_supervisor = models.CharField(_("external supervisor"), max_length=60, blank=True)
    external_qualification = models.CharField(
        _("external supervisor's qualification"), max_length=120, blank=True
    )
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(SESSION_MAX_MINUTES)]
    )
    attendees = models.ManyToManyField(
        USER, related_name="supervision_sessions_attended", verbose_name=_("attendees")
    )
    cases = models.ManyToManyField(
        "workflow.Case", blank=True, related_name="supervision_sessions", verbose_name=_("cases discussed")
    )
    summary = EncryptedTextField(_("summary"), validators=[MaxLengthValidator(SUMMARY_MAX)])
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")
        ordering = ["-held_on", "-pk"]
        constraints = [
            # Exactly one supervisor: one of the staff, or an external one by name.
            models.CheckConstraint(
                condition=(models.Q(supervisor__isnull=False) & models.Q(external_supervisor=""))
                | (models.Q(supervisor__isnull=True) & ~models.Q(external_supervisor="")),
                name="sup_one_supervisor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def supervisor_name(self) -> str:
        if self.supervisor_id:
            return self.supervisor.full_name
        return self.external_supervisor


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("recommendation", "Open")
        DONE = "done", pgettext_lazy("recommendation", "Done")
        NOT_ADOPTED = "not_adopted", pgettext_lazy("recommendation", "Not adopted")

    # An open recommendation is carried out or, with a reason, not adopted; both are final.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.OPEN: ("complete", "decline"),
            Status.DONE: (),
            Status.NOT_ADOPTED: (),
        },
    )

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="recommendations")
    text = EncryptedTextField(_("recommendation"), validators=[MaxLengthValidator(TEXT_MAX)])
    owner = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="supervision_recommendations", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("supervision recommendation")
        verbose_name_plural = _("supervision recommendations")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="not_adopted") | ~models.Q(reason=""),
                name="sup_not_adopted_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.due_on:%Y-%m-%d}"
