"""Forms of the group counselling pages: they collect and check input; the rules are in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from assessments.library import available_instruments
from confidentiality import policy
from confidentiality.models import Consent
from lib.dates import DATE_INPUT, DATETIME_INPUT, BoundedDateField
from orgs.models import OrgUnit

from .models import GroupProgramme


def _instrument_choices():
    return [
        (code, instrument.data.get("short_name") or code.upper())
        for code, instrument in available_instruments().items()
    ]


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=GroupProgramme.Kind.choices)
    org_unit = forms.ModelChoiceField(label=_("unit"), queryset=OrgUnit.objects.none())
    location = forms.CharField(label=_("place"), max_length=100, required=False)
    leaders = forms.ModelMultipleChoiceField(
        label=_("Co-leaders"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("You lead the group yourself; add the colleagues who lead it with you."),
    )
    inclusion_criteria = forms.CharField(
        label=_("inclusion criteria"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    capacity = forms.IntegerField(label=_("capacity"), initial=12, min_value=2, max_value=60)
    first_session_at = forms.DateTimeField(label=_("first session"), widget=DATETIME_INPUT)
    session_count = forms.IntegerField(label=_("number of sessions"), initial=8, min_value=1, max_value=52)
    interval_days = forms.IntegerField(label=_("days between sessions"), initial=7, min_value=1, max_value=31)
    session_minutes = forms.IntegerField(
        label=_("session length (minutes)"), initial=90, min_value=15, max_value=480
    )
    instruments = forms.MultipleChoiceField(
        label=_("instruments"), initial=["phq9"], widget=forms.CheckboxSelectMultiple
    )
    primary_instrument = forms.ChoiceField(label=_("primary instrument"), initial="phq9")
    pre_window_days = forms.IntegerField(
        label=_("pre window (days before the first session)"), initial=14, min_value=0, max_value=90
    )
    post_window_days = forms.IntegerField(
        label=_("post window (days after the last session)"), initial=14, min_value=0, max_value=90
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = policy.filter_group_units(user, OrgUnit.objects.all())
        self.fields["leaders"].queryset = policy.filter_group_leader_choices(
            user, User.objects.exclude(pk=user.pk)
        ).order_by("full_name")
        self.fields["leaders"].label_from_instance = lambda person: person.full_name or person.username
        choices = _instrument_choices()
        self.fields["instruments"].choices = choices
        self.fields["primary_instrument"].choices = choices


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a resident"), max_length=50, required=False)


class ScreenForm(forms.Form):
    note = forms.CharField(label=_("screening note"), widget=forms.Textarea(attrs={"rows": 2}))


class EnrolForm(forms.Form):
    signed_on = BoundedDateField(
        label=_("Group agreement signed on"), widget=DATE_INPUT, initial=timezone.localdate
    )
    signer = forms.ChoiceField(label=_("signed by"), choices=Consent.Signer.choices)
    signer_name = forms.CharField(label=_("signer's name"), max_length=50, required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=Consent.Channel.choices)


class DropForm(forms.Form):
    reason = forms.CharField(label=_("reason for dropping out"), max_length=500)


class SessionForm(forms.Form):
    topic = forms.CharField(label=_("topic"), max_length=100, required=False)
    plan = forms.CharField(label=_("session plan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    group_note = forms.CharField(
        label=_("group note (leaders only)"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ScoreForm(forms.Form):
    """One instrument's answers, item by item (the assessments engine scores them)."""

    administered_at = forms.DateTimeField(label=_("administered at"), widget=DATETIME_INPUT)

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        options = [(str(o["value"]), f"{o['value']} {o['zh']}") for o in instrument.data.get("options", [])]
        if instrument.is_yes_no:
            options = [("1", _("Yes")), ("0", _("No"))]
        for item in instrument.items:
            self.fields[f"item_{item['number']}"] = forms.TypedChoiceField(
                label=f"{item['number']}. {item['zh']}", choices=options, coerce=int
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"item_{item['number']}"] for item in self.instrument.items]
