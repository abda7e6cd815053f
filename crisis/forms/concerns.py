"""Forms of the concern report and the counsellor's risk flag: input shape only; the rules live in
crisis.services.concerns."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.models import Resident
from crisis.services.concerns import DESCRIPTION_MAX, SHORT_MAX
from lib.wording import IN_DANGER_NOW


class ResidentPickField(forms.ModelChoiceField):
    """A resident chosen from the search results; the page renders the choices it found itself,
    so that a large scope is never written out as one enormous list."""

    widget = forms.HiddenInput

    def label_from_instance(self, obj: Resident) -> str:
        return obj.name


class ConcernReportForm(forms.Form):
    resident = ResidentPickField(
        label=_("The person, if registered in your area"),
        queryset=Resident.objects.none(),
        required=False,
    )
    person_description = forms.CharField(
        label=_("Or describe the person"),
        max_length=SHORT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Name if you know it, age, where they live, study or work."),
    )
    location = forms.CharField(
        label=_("Where"),
        max_length=SHORT_MAX,
        required=False,
        help_text=_("Where they are now or where it happened, if you know."),
    )
    description = forms.CharField(
        label=_("What you saw or heard"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("In your own words: what happened, what they said, since when."),
    )
    urgent = forms.BooleanField(
        label=IN_DANGER_NOW,
        required=False,
    )

    def __init__(self, *args, residents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents if residents is not None else Resident.objects.none()
        self.fields["resident"].error_messages["invalid_choice"] = _(
            "You can only name people registered in your area. Describe the person in words instead."
        )


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("Find the person by name"), max_length=50, required=False)


class RiskFlagForm(forms.Form):
    note = forms.CharField(
        label=_("What risk do you see?"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the person said or did, and why you are worried. The crisis team reads this."),
    )
    immediate_danger = forms.BooleanField(
        label=IN_DANGER_NOW,
        required=False,
    )
