"""Forms of the residents-and-archives domain: input shape only; rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from confidentiality.models import DisclosureBasis
from lib.dates import DATE_INPUT
from orgs.forms import UnitChoiceField
from orgs.models import OrgUnit

from .models import ArchiveStatus, DocumentType, RiskLevel, Sex, SpecialGroup

# ISO format whatever the language: the browser's date picker reads and writes only YYYY-MM-DD.


class ResidentForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    id_number = forms.CharField(label=_("Document number"), max_length=30, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        required=False,
        help_text=_("Taken from the ID card number if given."),
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Taken from the ID card number if given."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    student_number = forms.CharField(
        label=_("Student number"),
        max_length=30,
        required=False,
        help_text=_("For students: the school's number."),
    )
    org_unit = UnitChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none())
    tags = forms.MultipleChoiceField(
        label=_("Special groups"),
        choices=SpecialGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=50, required=False)
    guardian_relation = forms.CharField(label=_("Guardian's relation"), max_length=20, required=False)
    guardian_phone = forms.CharField(label=_("Guardian's phone"), max_length=30, required=False)
    emergency_name = forms.CharField(label=_("Emergency contact"), max_length=50, required=False)
    emergency_relation = forms.CharField(
        label=_("Emergency contact's relation"), max_length=20, required=False
    )
    emergency_phone = forms.CharField(label=_("Emergency contact's phone"), max_length=30, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()


class CorrectionForm(ResidentForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["tags"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ResponsibleForm(forms.Form):
    staff = forms.ModelMultipleChoiceField(
        label=_("Responsible counsellors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        # The choices come from the policy (archives.selectors.responsible_candidates).
        self.fields["staff"].queryset = candidates


class PaperLocationForm(forms.Form):
    paper_location = forms.CharField(label=_("Paper archive location"), max_length=100, required=False)


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(choices=ArchiveStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class RiskLevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, pinyin, ID number or phone"), required=False, max_length=50)
    org_unit = UnitChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none(), required=False)
    tag = forms.ChoiceField(
        label=_("Special group"), choices=[("", "—"), *SpecialGroup.choices], required=False
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", "—"), *RiskLevel.choices], required=False
    )

    def __init__(self, *args, units=None, show_risk=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.none()
        if not show_risk:
            del self.fields["risk_level"]


class ExportForm(forms.Form):
    file_format = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("json", "JSON")])
    recipient = forms.CharField(
        label=_("Recipient"),
        max_length=120,
        help_text=_("E.g. the resident (own access request), a hospital."),
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    basis = forms.ChoiceField(label=_("Basis"), choices=DisclosureBasis.choices)
    legal_reference = forms.CharField(label=_("Legal reference"), max_length=200, required=False)
