"""Forms of referrals (SVC-8): input shape only; the rules live in workflow.services.referrals."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.dates import DATETIME_INPUT
from workflow.models import Institution, Referral

# ISO format whatever the language: the browser's picker reads and writes only this shape.


class InstitutionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=Institution.Kind.choices)
    department = forms.CharField(
        label=_("Department"),
        max_length=120,
        required=False,
        help_text=_("E.g. the psychology clinic of a general hospital."),
    )
    contact_person = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive institution stays on past referrals but is no longer offered for new ones."),
    )


class ReferralForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Receiving institution"),
        queryset=Institution.objects.none(),
        error_messages={"invalid_choice": _("Choose an active institution from the directory.")},
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Referral.Urgency.choices)
    reason = forms.CharField(
        label=_("Reason for referral"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "This text is printed in the referral letter as written: include only what the receiver "
            "needs to know."
        ),
    )
    client_agrees = forms.BooleanField(
        label=_("The client (or their guardian) agrees to the referral and to the letter being sent"),
        error_messages={
            "required": _("A referral letter is sent on the client's consent: confirm it first.")
        },
    )

    def __init__(self, *args, institutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = (
            institutions if institutions is not None else Institution.objects.none()
        )


class ReceiptForm(forms.Form):
    received_at = forms.DateTimeField(
        label=_("Received on"),
        widget=DATETIME_INPUT,
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("E.g. who at the institution confirmed it."),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the institution reported: admitted, treated as an outpatient, not taken on…"),
    )
