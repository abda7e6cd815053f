"""The upload form of the bulk entry (SCR-2)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .imports import MAX_UPLOAD_BYTES, format_of
from .library import get_instrument


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
