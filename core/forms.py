from django import forms

from .models import CentreProfile


class CentreProfileForm(forms.ModelForm):
    class Meta:
        model = CentreProfile
        fields = ["name", "introduction", "address", "phone", "hotline", "hotline_hours", "email"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}
