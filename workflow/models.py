"""Service workflow (SVC). For now the follow-up task table (SVC-6), which screening fills."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FollowUpTask(models.Model):
    class Source(models.TextChoices):
        SCREENING = "screening", _("Screening positive")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("follow-up status", "Open")
        DONE = "done", pgettext_lazy("follow-up status", "Done")
        CANCELLED = "cancelled", _("Cancelled")

    resident = models.ForeignKey("archives.Resident", on_delete=models.PROTECT, related_name="follow_ups")
    source = models.CharField(max_length=20, choices=Source.choices)
    campaign = models.ForeignKey(
        "assessments.Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    reason = models.CharField(_("reason"), max_length=200)
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # One follow-up per person per campaign, however often the report is run.
            models.UniqueConstraint(
                fields=["resident", "campaign"],
                condition=models.Q(source="screening"),
                name="wf_one_screening_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id}:{self.reason}"
