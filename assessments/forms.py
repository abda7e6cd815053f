"""The answer form is built from the instrument file: one radio group per item."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lib.dates import DATE_INPUT, BoundedDateField

from .library import Instrument, available_instruments


def instrument_choices(language: str) -> list[tuple[str, str]]:
    return [(code, inst.text("name", language)) for code, inst in sorted(available_instruments().items())]


class InstrumentPickForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices(get_language() or "zh-hans")


class AnswerForm(forms.Form):
    """Items as radio groups; none is required (the engine decides what missing answers mean)."""

    def __init__(self, *args, instrument: Instrument, with_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        language = get_language() or "zh-hans"
        key = "en" if language.startswith("en") else "zh"
        if instrument.is_yes_no:
            choices = [("yes", _("Yes")), ("no", _("No"))]
        else:
            choices = [
                (str(option["value"]), f"{option['value']} {option[key]}")
                for option in instrument.data["options"]
            ]
        for item in instrument.items:
            self.fields[f"item_{item['number']}"] = forms.ChoiceField(
                label=f"{item['number']}. {item[key]}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "answer"}),
            )
        if with_reason:
            self.fields["reason"] = forms.CharField(label=_("Reason for the correction"), max_length=500)

    def answers(self) -> list:
        values = []
        for item in self.instrument.items:
            value = self.cleaned_data.get(f"item_{item['number']}") or None
            if value is not None and not self.instrument.is_yes_no:
                value = int(value)
            values.append(value)
        return values


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

        from .models import Campaign

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
