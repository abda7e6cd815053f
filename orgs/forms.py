from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from lib.dates import DATE_INPUT, BoundedDateField

from .models import DutyException, OpeningHours, OrgUnit, Room, UnitKind, Weekday
from .roster_clashes import DECISIONS

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


# ---------------------------------------------------------------------------------------------
# Duty roster (ORG-3)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.full_name or obj.username


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Room) -> str:
        return f"{obj.site.name} · {obj.name}"


class _RosterForm(forms.Form):
    """Offers only the staff and rooms the view passes in (those in the manager's scope)."""

    def __init__(self, *args, staff=None, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = (
            staff if staff is not None else self.fields["counsellor"].queryset
        )
        self.fields["room"].queryset = rooms if rooms is not None else self.fields["room"].queryset


class DutyShiftForm(_RosterForm):
    counsellor = StaffChoiceField(label=_("Counsellor"), queryset=get_user_model().objects.none())
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none())
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    starts = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    ends = forms.TimeField(label=_("To"), widget=TIME_INPUT)
    valid_from = BoundedDateField(label=_("Valid from"), widget=DATE_INPUT)
    valid_until = BoundedDateField(
        label=_("Valid until"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Leave empty for a shift that repeats until further notice."),
    )

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("The end must be after the start."))
        if data.get("valid_from") and data.get("valid_until") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("The end date must not be before the start date."))
        return data


class DutyShiftEndForm(forms.Form):
    last_day = BoundedDateField(label=_("Last day"), widget=DATE_INPUT)


class DutyExceptionForm(_RosterForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=DutyException.Kind.choices)
    starts_on = BoundedDateField(label=_("From"), widget=DATE_INPUT)
    ends_on = BoundedDateField(label=_("To"), widget=DATE_INPUT)
    counsellor = StaffChoiceField(
        label=_("Counsellor"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("For leave."),
    )
    room = RoomChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        required=False,
        help_text=_("For a closed room. A holiday with neither closes every site."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    # Asked only once the service has found booked appointments in the period (roster_clashes).
    decision = forms.ChoiceField(
        label=_("What happens to the booked appointments"),
        choices=DECISIONS,
        required=False,
        widget=forms.RadioSelect,
    )
    reassign_to = StaffChoiceField(
        label=_("Hand them to"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Each appointment keeps its time and room; a confirmed one's resident is told again."),
    )

    DECISION_FIELDS = ("decision", "reassign_to")

    def __init__(self, *args, staff=None, rooms=None, **kwargs):
        super().__init__(*args, staff=staff, rooms=rooms, **kwargs)
        if staff is not None:
            self.fields["reassign_to"].queryset = staff

    def main_fields(self):
        return [field for field in self if field.name not in self.DECISION_FIELDS]

    def decision_fields(self):
        return [self[name] for name in self.DECISION_FIELDS]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end date must not be before the start date."))
        return data
