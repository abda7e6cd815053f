"""Forms of screening: a campaign, the bulk entry upload (SCR-2), the self-test's consent."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from assessments.forms import instrument_choices
from assessments.library import get_instrument
from assessments.models import Campaign
from lib.dates import DATE_INPUT, BoundedDateField

from .imports import MAX_UPLOAD_BYTES, format_of


class ImportForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=[])
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("At most 50 MB. Start from the template of the instrument."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "zh-hans"
        self.fields["instrument"].choices = [
            (code, get_instrument(code).text("name", language)) for code in codes
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB: split it into smaller files."))
        file_format = format_of(upload.name)
        if file_format is None:
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        head = upload.read(4096)
        upload.seek(0)
        if file_format == "xlsx" and not head.startswith(b"PK\x03\x04"):
            raise forms.ValidationError(_("This file is not an Excel workbook (.xlsx)."))
        if file_format == "csv" and b"\x00" in head:
            raise forms.ValidationError(_("This file is not CSV text."))
        return upload


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    instruments = forms.MultipleChoiceField(
        label=_("Battery"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    target_units = forms.ModelMultipleChoiceField(
        label=_("Target units"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    target_tags = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for everyone in the target units."),
    )
    starts_on = BoundedDateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = BoundedDateField(label=_("Ends on"), widget=DATE_INPUT)
    identification = forms.ChoiceField(label=_("Identification"), choices=[])
    allow_new_residents = forms.BooleanField(label=_("Register people not yet on file"), required=False)
    guardian_consent_method = forms.CharField(
        label=_("How guardian consent was obtained for minors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, units, **kwargs):
        from archives.models import SpecialGroup
        from assessments.models import Campaign

        super().__init__(*args, **kwargs)
        self.fields["instruments"].choices = instrument_choices(get_language() or "zh-hans")
        self.fields["target_units"].queryset = units
        self.fields["target_tags"].choices = SpecialGroup.choices
        self.fields["identification"].choices = Campaign.Identification.choices

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return data


class IdentifyForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I have read the consent above and agree to take part."),
        error_messages={"required": _("Please read and agree to the consent before you start.")},
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign.identification == Campaign.Identification.STUDENT_NUMBER:
            self.fields["name"] = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
            self.fields["student_number"] = forms.CharField(label=_("Student number"), max_length=30)
        if campaign.identification == Campaign.Identification.ID_NUMBER:
            self.fields["name"] = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
            self.fields["id_number"] = forms.CharField(
                label=_("ID card number"), max_length=18, widget=forms.TextInput(attrs={"inputmode": "text"})
            )
