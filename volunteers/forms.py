"""Forms of the volunteers' pages: input shape only; the rules live in volunteers.services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from archives.models import Resident
from confidentiality.models import Consent
from lib.dates import DATE_INPUT, DATETIME_INPUT, BoundedDateField, BoundedDateTimeField

from .models import VISIT_MAX_MINUTES, Visit, VisitAssignment, VolunteerProfile

YES_NO = [("yes", _("Yes, I reached them")), ("no", _("No, I could not reach them"))]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name or obj.username}（{obj.org_unit.name if obj.org_unit_id else ''}）"


class ProfileForm(forms.Form):
    user = PersonChoiceField(label=_("Volunteer's account"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=VolunteerProfile.Kind.choices)
    coordinator = PersonChoiceField(label=_("Coordinator"), queryset=User.objects.none())
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    dialects = forms.CharField(label=_("Dialects"), max_length=100, required=False)
    availability = forms.CharField(
        label=_("Availability"), max_length=200, required=False, help_text=_("e.g. weekday afternoons")
    )

    def __init__(self, *args, accounts=None, coordinators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = accounts if accounts is not None else User.objects.none()
        self.fields["coordinator"].queryset = (
            coordinators if coordinators is not None else User.objects.none()
        )


class ProfileEditForm(forms.Form):
    """A profile's details and coordinator (its status changes through the status buttons)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=VolunteerProfile.Kind.choices)
    coordinator = PersonChoiceField(label=_("Coordinator"), queryset=User.objects.none())
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    dialects = forms.CharField(label=_("Dialects"), max_length=100, required=False)
    availability = forms.CharField(
        label=_("Availability"), max_length=200, required=False, help_text=_("e.g. weekday afternoons")
    )

    def __init__(self, *args, coordinators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = (
            coordinators if coordinators is not None else User.objects.none()
        )


class TrainingForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=120)
    completed_on = BoundedDateField(label=_("Completed on"), widget=DATE_INPUT)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=500, decimal_places=1)


class AgreementForm(forms.Form):
    signed_on = BoundedDateField(label=_("Signed on"), widget=DATE_INPUT)


class ResidentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resident) -> str:
        return f"{obj.name}（{obj.org_unit.name}）"


class AssignmentForm(forms.Form):
    # Picked from the search results the page shows (archives.selectors.resident_picker_matches):
    # a scope of thousands is never written out as one list. The queryset only checks the pick.
    resident = ResidentChoiceField(
        label=_("Resident"),
        queryset=Resident.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Find the resident by name and pick them from the results."),
            "invalid_choice": _("Pick a resident of your area from the search results."),
        },
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=VisitAssignment.Reason.choices)
    reason_note = forms.CharField(label=_("About the reason"), max_length=200, required=False)
    frequency_days = forms.TypedChoiceField(
        label=_("Frequency"), choices=VisitAssignment.Frequency.choices, coerce=int, initial=14
    )

    def __init__(self, *args, residents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents if residents is not None else Resident.objects.none()


class ConsentForm(forms.Form):
    consent_on = BoundedDateField(label=_("The resident consented on"), widget=DATE_INPUT)
    channel = forms.ChoiceField(label=_("How"), choices=Consent.Channel.choices)


class EndForm(forms.Form):
    reason = forms.CharField(label=_("Reason for ending"), max_length=200)


class VisitForm(forms.Form):
    """The visit log, built for a phone: few fields, big choices, the draft kept in the browser."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)
    visited_at = BoundedDateTimeField(label=_("When"), widget=DATETIME_INPUT)
    mode = forms.ChoiceField(label=_("How"), choices=Visit.Mode.choices, widget=forms.RadioSelect)
    contact_made = forms.TypedChoiceField(
        label=_("Did you reach the person?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=0,
        max_value=VISIT_MAX_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    mood = forms.ChoiceField(
        label=_("How did they seem?"),
        choices=[("", _("Not asked / no contact")), *Visit.Mood.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Your impression, not a diagnosis."),
    )
    needs = forms.MultipleChoiceField(
        label=_("Needs you noticed"),
        choices=Visit.Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    concern = forms.BooleanField(label=_("I am worried about this person"), required=False)
    concern_text = forms.CharField(
        label=_("What worries you"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4())
        super().__init__(*args, **kwargs)
