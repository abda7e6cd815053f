from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import DATE_INPUT, BoundedDateField

from .models import CalendarDay, CentreProfile


class CentreProfileForm(forms.ModelForm):
    class Meta:
        model = CentreProfile
        fields = ["name", "introduction", "address", "phone", "hotline", "hotline_hours", "email"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 4})}


class CalendarDayForm(forms.Form):
    """One day, or a run of holidays from the first day to the last."""

    first = BoundedDateField(label=_("Date"), widget=DATE_INPUT)
    last = BoundedDateField(
        label=_("Until (for a holiday of several days)"), required=False, widget=DATE_INPUT
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=50, required=False)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
