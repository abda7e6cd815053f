"""Forms of the confidentiality domain: input shape only; rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.dates import DATE_INPUT, BoundedDateField

from .models import STAFF_CONSENT_KINDS, BreakGlassReason, Consent, ConsentKind, ConsentText, DisclosureBasis


class ConsentForm(forms.Form):
    text = forms.ModelChoiceField(label=_("Text signed"), queryset=ConsentText.objects.none())
    signed_on = BoundedDateField(label=_("Signed on"), widget=DATE_INPUT, initial=timezone.localdate)
    signer = forms.ChoiceField(label=_("Signed by"), choices=Consent.Signer.choices)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=50)
    channel = forms.ChoiceField(label=_("Channel"), choices=Consent.Channel.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].queryset = (
            ConsentText.objects.filter(is_current=True).exclude(kind__in=STAFF_CONSENT_KINDS).order_by("kind")
        )


class ConsentWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentTextForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConsentKind.choices)
    version = forms.CharField(label=_("Version"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=100)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))


class ArchiveNumberForm(forms.Form):
    number = forms.CharField(label=_("Archive number"), max_length=30)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class BreakGlassForm(ArchiveNumberForm):
    reason_code = forms.ChoiceField(label=_("Emergency"), choices=BreakGlassReason.choices)
    field_order = ["number", "reason_code", "reason"]


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        coerce=lambda v: v == "1", choices=[("1", _("Approve")), ("0", _("Deny"))]
    )
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=720, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DisclosureForm(forms.Form):
    recipient = forms.CharField(label=_("Recipient"), max_length=120)
    items = forms.CharField(
        label=_("What was disclosed"), max_length=500, help_text=_("Separate items with commas.")
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    basis = forms.ChoiceField(label=_("Basis"), choices=DisclosureBasis.choices)
    legal_reference = forms.CharField(label=_("Legal reference"), max_length=200, required=False)

    def clean_items(self) -> list[str]:
        raw = self.cleaned_data["items"].replace("，", ",").replace("、", ",")
        return [item.strip() for item in raw.split(",") if item.strip()]
