"""Forms of the hotline and online-consultation log (SVC-9): input shape only; the rules live in
workflow.services.hotline."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lib.dates import BoundedDateField
from workflow.forms.followups import DATE_INPUT, DATETIME_INPUT
from workflow.models import HotlineEntry


def _now_local():
    return timezone.localtime().replace(second=0, microsecond=0)


class HotlineEntryForm(forms.Form):
    """The risk check comes right after the channel and time, so that it is answered during the
    call rather than reconstructed afterwards."""

    channel = forms.ChoiceField(
        label=pgettext_lazy("contact channel", "Channel"), choices=HotlineEntry.Channel.choices
    )
    started_at = forms.DateTimeField(label=_("Time"), widget=DATETIME_INPUT, initial=_now_local)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600)
    risk_suicidal_thoughts = forms.BooleanField(
        label=HotlineEntry._meta.get_field("risk_suicidal_thoughts").verbose_name, required=False
    )
    risk_plan = forms.BooleanField(
        label=HotlineEntry._meta.get_field("risk_plan").verbose_name, required=False
    )
    risk_means = forms.BooleanField(
        label=HotlineEntry._meta.get_field("risk_means").verbose_name, required=False
    )
    risk_harm_to_others = forms.BooleanField(
        label=HotlineEntry._meta.get_field("risk_harm_to_others").verbose_name, required=False
    )
    risk_immediate_danger = forms.BooleanField(
        label=HotlineEntry._meta.get_field("risk_immediate_danger").verbose_name, required=False
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=HotlineEntry.Topic.choices)
    action = forms.ChoiceField(label=_("Action taken"), choices=HotlineEntry.Action.choices)
    action_note = forms.CharField(
        label=_("Action details"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous caller"),
        required=False,
        initial=True,
        help_text=_("An anonymous caller's name and contact are not kept."),
    )
    caller_name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    caller_contact = forms.CharField(label=_("Caller's phone or account"), max_length=100, required=False)
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=20,
        required=False,
        help_text=_("Optional: link the entry to a case you work on."),
    )
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)

    RISK_FIELDS = HotlineEntry.RISK_ITEMS


class HotlineFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=pgettext_lazy("contact channel", "Channel"),
        choices=[("", _("All")), *HotlineEntry.Channel.choices],
        required=False,
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All")), *HotlineEntry.Topic.choices], required=False
    )
    risk = forms.BooleanField(label=_("Positive risk check only"), required=False)
    date_from = BoundedDateField(label=_("Date from"), required=False, widget=DATE_INPUT)
    date_to = BoundedDateField(label=_("Date to"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
