"""Forms of follow-ups (SVC-6): input shape only; the rules live in workflow.services.followups."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.dates import DATE_INPUT, DATETIME_INPUT, BoundedDateField
from workflow.models import REASON_MAX, FollowUpTask

# ISO format whatever the language: the browser's pickers read and write only this.


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name or obj.username} · {obj.get_role_display()}"


class FollowUpCreateForm(forms.Form):
    reason = forms.CharField(label=_("What the follow-up is for"), max_length=REASON_MAX)
    due_on = BoundedDateField(
        label=_("Due on"), widget=DATE_INPUT, initial=lambda: timezone.localdate() + timedelta(days=7)
    )
    method = forms.ChoiceField(label=_("Method"), choices=FollowUpTask.Method.choices)
    assignee = StaffChoiceField(label=_("Assignee"), queryset=get_user_model().objects.none())

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignees is not None:
            self.fields["assignee"].queryset = assignees


class _OnDetailPage(forms.Form):
    """The task's page holds three action forms: each keeps its own element ids."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class FollowUpCompleteForm(_OnDetailPage):
    id_prefix = "complete"
    method = forms.ChoiceField(label=_("Method used"), choices=FollowUpTask.Method.choices)
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the client is doing and what was agreed."),
    )
    completed_at = forms.DateTimeField(
        label=_("Done at"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Leave empty for now."),
    )


class FollowUpReassignForm(_OnDetailPage):
    id_prefix = "reassign"
    assignee = StaffChoiceField(label=_("Hand over to"), queryset=get_user_model().objects.none())
    reason = forms.CharField(
        label=_("Reason for handing over"),
        max_length=200,
        required=False,
        help_text=_("Needed when someone else has the follow-up now."),
    )

    def __init__(self, *args, assignees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if assignees is not None:
            self.fields["assignee"].queryset = assignees


class FollowUpCancelForm(_OnDetailPage):
    id_prefix = "cancel"
    reason = forms.CharField(label=_("Reason for cancelling"), max_length=500)
