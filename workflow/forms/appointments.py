"""Forms of the appointment pages (staff) and of the portal request (public)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archives.models import Sex
from lib.dates import BoundedDateField
from orgs.forms import DATE_INPUT, TIME_INPUT, RoomChoiceField, StaffChoiceField, UnitChoiceField
from orgs.models import OrgUnit, Room, ServiceSite, Weekday
from workflow.models import TRAVEL_DEFAULT_MINUTES, TRAVEL_MAX_MINUTES, Appointment

User = get_user_model()

SHOW_CHOICES = [
    ("today", _("Today")),
    ("upcoming", _("Upcoming")),
    ("requests", _("Requests waiting")),
    ("rearrange", _("To rearrange")),
    ("past", _("Past")),
]
STAFF_CHANNEL_CHOICES = [
    (value, label) for value, label in Appointment.Channel.choices if value != Appointment.Channel.PORTAL
]
SEX_CHOICES = [("", _("Not given")), *Sex.choices]


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ServiceSite) -> str:
        return obj.name


def _aware(day, moment) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))


class AppointmentFilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False, widget=forms.HiddenInput)
    site = SiteChoiceField(label=_("Site"), queryset=ServiceSite.objects.none(), required=False)
    counsellor = StaffChoiceField(label=_("Counsellor"), queryset=User.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any")), *Appointment.Status.choices], required=False
    )

    def __init__(self, *args, sites, counsellors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["counsellor"].queryset = counsellors


class _ScheduleForm(forms.Form):
    """A day and a start and end time, made into timezone-aware datetimes in ``schedule()``."""

    day = BoundedDateField(label=_("Date"), widget=DATE_INPUT)
    starts_at = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    ends_at = forms.TimeField(label=_("To"), widget=TIME_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        return data

    def schedule(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        return _aware(data["day"], data["starts_at"]), _aware(data["day"], data["ends_at"])


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("Find a registered resident"), max_length=50, required=False)


# What a link (a free slot in the calendar) may fill in on the booking form.
PREFILL_FIELDS = ("site", "day", "starts_at", "ends_at", "counsellor", "room")


class AppointmentForm(_ScheduleForm):
    site = SiteChoiceField(label=_("Site"), queryset=ServiceSite.objects.none())
    service = forms.ChoiceField(label=_("Service wanted"), choices=Appointment.Service.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNEL_CHOICES)
    counsellor = StaffChoiceField(label=_("Counsellor"), queryset=User.objects.none(), required=False)
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    contact_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    contact_sex = forms.ChoiceField(label=_("Sex"), choices=SEX_CHOICES, required=False)
    contact_age = forms.IntegerField(label=_("Age"), min_value=0, max_value=120, required=False)
    reason = forms.CharField(
        label=_("What they would like help with"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    address = forms.CharField(
        label=_("Address (home visits)"),
        max_length=200,
        required=False,
        help_text=_("Left empty for a registered resident, their address in the archive is used."),
    )
    companion = StaffChoiceField(
        label=_("Second staff member (home visits)"), queryset=User.objects.none(), required=False
    )
    travel_before_minutes = forms.IntegerField(
        label=_("Travel there (minutes, home visits)"),
        min_value=0,
        max_value=TRAVEL_MAX_MINUTES,
        initial=TRAVEL_DEFAULT_MINUTES,
        required=False,
    )
    travel_after_minutes = forms.IntegerField(
        label=_("Travel back (minutes, home visits)"),
        min_value=0,
        max_value=TRAVEL_MAX_MINUTES,
        initial=TRAVEL_DEFAULT_MINUTES,
        required=False,
    )
    confirm_now = forms.BooleanField(
        label=_("Confirm now"),
        required=False,
        help_text=_("With a counsellor and a room: the appointment is confirmed and the person is told."),
    )
    # Asked only once the service has warned (a past time, a counsellor off duty).
    acknowledged = forms.BooleanField(label=_("Book it anyway"), required=False)
    field_order = [
        "site",
        "day",
        "starts_at",
        "ends_at",
        "service",
        "channel",
        "counsellor",
        "room",
        "contact_name",
        "contact_phone",
        "contact_sex",
        "contact_age",
        "reason",
        "address",
        "companion",
        "travel_before_minutes",
        "travel_after_minutes",
        "confirm_now",
        "acknowledged",
    ]

    def __init__(self, *args, sites, counsellors, rooms, resident=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.fields["site"].queryset = sites
        self.fields["counsellor"].queryset = counsellors
        self.fields["companion"].queryset = counsellors
        self.fields["room"].queryset = rooms
        if resident is not None:
            # The resident's own name and phone are used; these fields are left out.
            for name in ("contact_name", "contact_phone", "contact_sex", "contact_age"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.resident is None and "contact_name" in data and not data.get("contact_name", "").strip():
            self.add_error("contact_name", _("Give the name of the person the appointment is for."))
        # What confirming at once needs (a counsellor; a room unless a home visit) is the
        # confirmation service's rule: its refusal lands on those fields.
        return data

    def shown_fields(self):
        """Every field, but "book it anyway" only once the service has warned (or it is ticked)."""
        return [field for field in self if field.name != "acknowledged" or field.errors or field.value()]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        starts_at, ends_at = self.schedule()
        for name in ("day", "starts_at", "ends_at", "confirm_now"):
            data.pop(name, None)
        return {**data, "starts_at": starts_at, "ends_at": ends_at, "resident": self.resident}


class ConfirmForm(forms.Form):
    counsellor = StaffChoiceField(label=_("Counsellor"), queryset=User.objects.none())
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none())

    def __init__(self, *args, counsellors, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = counsellors
        self.fields["room"].queryset = rooms


class HomeVisitConfirmForm(forms.Form):
    """Confirming a home visit: no room; the address, the second person and the travel."""

    counsellor = StaffChoiceField(label=_("Counsellor"), queryset=User.objects.none())
    companion = StaffChoiceField(label=_("Second staff member"), queryset=User.objects.none(), required=False)
    address = forms.CharField(label=_("Address of the visit"), max_length=200, required=False)
    travel_before_minutes = forms.IntegerField(
        label=_("Travel there (minutes)"), min_value=0, max_value=TRAVEL_MAX_MINUTES
    )
    travel_after_minutes = forms.IntegerField(
        label=_("Travel back (minutes)"), min_value=0, max_value=TRAVEL_MAX_MINUTES
    )

    def __init__(self, *args, counsellors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = counsellors
        self.fields["companion"].queryset = counsellors


class RescheduleForm(_ScheduleForm):
    counsellor = StaffChoiceField(
        label=_("Counsellor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the same."),
    )
    room = RoomChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the same."),
    )
    companion = StaffChoiceField(
        label=_("Second staff member"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Leave empty to keep the same."),
    )
    travel_before_minutes = forms.IntegerField(
        label=_("Travel there (minutes)"), min_value=0, max_value=TRAVEL_MAX_MINUTES
    )
    travel_after_minutes = forms.IntegerField(
        label=_("Travel back (minutes)"), min_value=0, max_value=TRAVEL_MAX_MINUTES
    )
    reason = forms.CharField(label=_("Why it is moved"), max_length=200)

    def __init__(self, *args, counsellors, rooms, home_visit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = counsellors
        if home_visit:
            # A home visit has no room; who goes with the counsellor and the travel may change.
            del self.fields["room"]
            self.fields["companion"].queryset = counsellors
        else:
            self.fields["room"].queryset = rooms
            for name in ("companion", "travel_before_minutes", "travel_after_minutes"):
                del self.fields[name]


NEW_RESIDENT = "new"


class CheckInForm(forms.Form):
    """Who the person is: one of the candidates, the resident the appointment already has, one
    found by archive number, or a new registration."""

    who = forms.ChoiceField(label=_("Who is this?"))
    archive_number = forms.CharField(
        label=_("Or the archive number of another resident"), max_length=20, required=False
    )
    org_unit = UnitChoiceField(
        label=_("Register the new resident in"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("By default, the site's unit."),
    )

    def __init__(self, *args, candidates, current=None, units, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose…"))]
        if current is not None:
            choices.append((str(current.pk), _("%(name)s (already linked)") % {"name": current.name}))
        for resident in candidates:
            if current is None or resident.pk != current.pk:
                choices.append((str(resident.pk), self._label(resident)))
        choices.append((NEW_RESIDENT, _("Register as a new resident")))
        self.fields["who"].choices = choices
        self.fields["who"].required = False
        self.fields["org_unit"].queryset = units

    @staticmethod
    def _label(resident) -> str:
        archive = getattr(resident, "archive", None)
        parts = [resident.name, resident.org_unit.name]
        if archive is not None:
            parts.append(archive.number)
        return " · ".join(parts)

    def clean(self):
        data = super().clean()
        if not data.get("who") and not data.get("archive_number", "").strip():
            self.add_error("who", _("Choose who this is, or register them as a new resident."))
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CalendarForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Calendar of"),
        choices=[("counsellor", _("a counsellor")), ("room", _("a room"))],
        required=False,
    )
    counsellor = StaffChoiceField(label=_("Counsellor"), queryset=User.objects.none(), required=False)
    room = RoomChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    view = forms.ChoiceField(
        label=_("View"), choices=[("week", _("Week")), ("day", _("Day"))], required=False
    )
    day = BoundedDateField(label=_("Date"), widget=DATE_INPUT, required=False)

    def __init__(self, *args, counsellors, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = counsellors
        self.fields["room"].queryset = rooms


# ---------------------------------------------------------------------------------------------
# The portal request (no login)


class PortalRequestForm(forms.Form):
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    site = SiteChoiceField(label=_("Where"), queryset=ServiceSite.objects.none(), widget=forms.HiddenInput)
    service = forms.ChoiceField(label=_("What you would like"), choices=Appointment.Service.choices)
    slot = forms.ChoiceField(label=_("When"), choices=[])
    contact_name = forms.CharField(label=_("Your name"), max_length=50)
    contact_phone = forms.CharField(
        label=_("Your phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("We call or text you on this number to confirm."),
    )
    contact_sex = forms.ChoiceField(label=_("Sex (optional)"), choices=SEX_CHOICES, required=False)
    contact_age = forms.IntegerField(label=_("Age (optional)"), min_value=0, max_value=120, required=False)
    reason = forms.CharField(
        label=_("In a few words, what would you like help with? (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the centre keeps these details to arrange my appointment and contacts me about it."
        )
    )

    def __init__(self, *args, site, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = ServiceSite.objects.filter(pk=site.pk)
        self.initial.setdefault("site", site.pk)
        self.slots = {slot.value: slot for slot in slots}
        self.fields["slot"].choices = self._grouped(slots)
        if not self.is_bound:
            self.initial.setdefault("request_key", uuid.uuid4())

    @staticmethod
    def _grouped(slots) -> list:
        """Slots grouped by day for the drop-down, each labelled with its time."""
        groups: dict[str, list] = {}
        for slot in slots:
            local = timezone.localtime(slot.starts_at)
            day_label = f"{local:%Y-%m-%d} {_weekday(local)}"
            end = timezone.localtime(slot.ends_at)
            groups.setdefault(day_label, []).append((slot.value, f"{local:%H:%M}–{end:%H:%M}"))
        return [("", _("Choose a time")), *groups.items()]

    def clean_slot(self):
        value = self.cleaned_data["slot"]
        if value not in self.slots:
            raise forms.ValidationError(_("This time is no longer free; please choose another."))
        return self.slots[value]


def _weekday(moment: datetime) -> str:
    return str(Weekday(moment.weekday()).label)
