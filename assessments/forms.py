"""The answer form is built from the instrument file: one radio group per item."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .library import Instrument, available_instruments
from .uploads import MAX_FILE_BYTES


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


class InstrumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Instrument file (YAML)"),
        help_text=_("Only for instruments the centre holds a licence for; the file is checked first."),
    )

    def clean_file(self):
        # By the size the upload declares, before the view reads the file into memory: the
        # service checks the text again, but only once all of it has been read.
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large for an instrument definition."))
        return upload
