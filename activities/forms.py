"""Forms of activities and the parent school: they collect and check input; the rules are in
the services."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import DATETIME_INPUT
from orgs.models import OrgUnit, Room, ServiceSite

from .models import Activity, AudienceGroup, Headcount


class ActivityForm(forms.ModelForm):
    audience_groups = forms.MultipleChoiceField(
        label=_("Audience groups"),
        choices=AudienceGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "description",
            "audience_groups",
            "audience_units",
            "site",
            "room",
            "place",
            "starts_at",
            "ends_at",
            "speaker",
            "speaker_external",
            "capacity",
            "waitlist",
            "registration_mode",
            "registration_opens_at",
            "registration_closes_at",
            "credit_hours",
        ]
        widgets = {
            "starts_at": DATETIME_INPUT,
            "ends_at": DATETIME_INPUT,
            "registration_opens_at": DATETIME_INPUT,
            "registration_closes_at": DATETIME_INPUT,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, sites, units, speakers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["room"].queryset = Room.objects.filter(site__in=sites, is_active=True).select_related(
            "site"
        )
        self.fields["audience_units"].queryset = units
        self.fields["audience_units"].required = False
        self.fields["speaker"].queryset = speakers
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        units = data.pop("audience_units", [])
        return {"audience_units": list(units), **data}

    def _post_clean(self):
        # The service validates the model (and says why in words): the form only collects.
        pass


class PhoneRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name of the attendee"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    guardian_name = forms.CharField(
        label=_("Guardian (when signing up a child)"), max_length=50, required=False
    )
    audience_group = forms.ChoiceField(
        label=_("Audience group"), choices=AudienceGroup.choices, required=False
    )

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None and activity.audience_groups:
            labels = dict(AudienceGroup.choices)
            self.fields["audience_group"].choices = [(g, labels.get(g, g)) for g in activity.audience_groups]


class PortalSignupForm(PhoneRegistrationForm):
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    for_child = forms.BooleanField(label=_("I am signing up my child"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["phone"].label = _("Your phone")
        self.fields["name"].label = _("Name of the person who will come")
        self.fields["guardian_name"].label = _("Your name (the guardian), when signing up a child")
        if not self.is_bound:
            self.initial["request_key"] = uuid.uuid4()
        self.order_fields(["for_child", "name", "guardian_name", "phone", "audience_group"])


class DoorCheckinForm(forms.Form):
    phone = forms.CharField(label=_("The phone you registered with"), max_length=30)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MoveForm(ReasonForm):
    to = forms.ChoiceField(
        label=_("Move to"), choices=[("seat", _("A seat")), ("waitlist", _("The waiting list"))]
    )


class HeadcountForm(forms.Form):
    audience_group = forms.ChoiceField(label=_("Audience group"), choices=AudienceGroup.choices)
    count = forms.IntegerField(label=_("Number of people"), min_value=0, max_value=100000)
    method = forms.ChoiceField(label=_("How"), choices=Headcount.Method.choices)

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None and activity.audience_groups:
            labels = dict(AudienceGroup.choices)
            self.fields["audience_group"].choices = [(g, labels.get(g, g)) for g in activity.audience_groups]


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class StatisticsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12, required=False)


class FamilyForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=OrgUnit.objects.none())
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=50)
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=30)

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools


class SchoolTargetForm(forms.Form):
    sessions = forms.IntegerField(label=_("Sessions a year"), min_value=1, max_value=50)
    hours = forms.DecimalField(
        label=_("Hours a year"), min_value=Decimal("0.5"), max_value=Decimal("200"), decimal_places=1
    )
    attendance_percent = forms.IntegerField(label=_("Attendance at least (%)"), min_value=0, max_value=100)
    satisfaction_percent = forms.IntegerField(
        label=_("Satisfaction at least (%)"), min_value=0, max_value=100
    )


def site_choices(sites):
    return ServiceSite.objects.filter(pk__in=sites.values("pk"))
