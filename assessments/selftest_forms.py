from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Campaign


class IdentifyForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I have read the consent above and agree to take part."),
        error_messages={"required": _("Please read and agree to the consent before you start.")},
    )

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        if campaign.identification == Campaign.Identification.STUDENT_NUMBER:
            self.fields["name"] = forms.CharField(label=_("Name"), max_length=50)
            self.fields["student_number"] = forms.CharField(label=_("Student number"), max_length=30)
        if campaign.identification == Campaign.Identification.ID_NUMBER:
            self.fields["name"] = forms.CharField(label=_("Name"), max_length=50)
            self.fields["id_number"] = forms.CharField(
                label=_("ID card number"), max_length=18, widget=forms.TextInput(attrs={"inputmode": "text"})
            )
