from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OpeningHours, OrgUnit, Room, UnitKind

# 24-hour HH:MM whatever the language: the browser's time picker reads only that.
TIME_INPUT = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        indent = "　" * (obj.depth - 1)
        return f"{indent}{obj.name}（{obj.get_kind_display()}）"


class OrgUnitCreateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)


class OrgUnitEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)


class ServiceSiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    org_unit = UnitChoiceField(label=_("Organisation unit"), queryset=OrgUnit.objects.none())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.all()


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Room.Kind.choices)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500, initial=2)


class OpeningHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"), choices=OpeningHours._meta.get_field("weekday").choices, coerce=int
    )
    opens = forms.TimeField(label=_("Opens"), widget=TIME_INPUT)
    closes = forms.TimeField(label=_("Closes"), widget=TIME_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("opens") and data.get("closes") and data["closes"] <= data["opens"]:
            self.add_error("closes", _("Closing time must be after opening time."))
        return data
