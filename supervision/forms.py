"""Forms of the supervision pages: input shape only; the rules live in supervision.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lib.dates import DATE_INPUT, BoundedDateField
from workflow.models import Case

from .models import REASON_MAX, SESSION_MAX_MINUTES, SUMMARY_MAX, TEXT_MAX, SupervisionSession


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name or obj.username}（{obj.org_unit.name if obj.org_unit_id else ''}）"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name or obj.username}（{obj.org_unit.name if obj.org_unit_id else ''}）"


class CaseChoiceField(forms.ModelMultipleChoiceField):
    """The recorder's choices are cases they may see, so the client's name helps them pick."""

    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.number} {obj.resident.name}（{obj.counsellor.full_name}）"


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of supervision"), choices=SupervisionSession.Kind.choices)
    held_on = BoundedDateField(label=_("Date"), widget=DATE_INPUT)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=SESSION_MAX_MINUTES, initial=90
    )
    supervisor = PersonChoiceField(
        label=_("Supervisor from the staff"), queryset=User.objects.none(), required=False
    )
    external_supervisor = forms.CharField(
        label=_("Or an external supervisor"), max_length=60, required=False, help_text=_("Name")
    )
    external_qualification = forms.CharField(
        label=_("External supervisor's qualification"),
        max_length=120,
        required=False,
        help_text=_("e.g. 中国心理学会注册督导师 D-23-001"),
    )
    attendees = PeopleChoiceField(
        label=_("Attendees"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    cases = CaseChoiceField(
        label=_("Cases discussed"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=SUMMARY_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, supervisors=None, attendees=None, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors if supervisors is not None else User.objects.none()
        self.fields["attendees"].queryset = attendees if attendees is not None else User.objects.none()
        self.fields["cases"].queryset = cases if cases is not None else Case.objects.none()


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label=_("Recommendation"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = BoundedDateField(label=_("Due date"), widget=DATE_INPUT)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why not adopted"), max_length=REASON_MAX)


class LedgerForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
