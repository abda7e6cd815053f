"""Serializers of the appointments API (SVC-1). Ids in requests are resolved by the views under
the policy; these only check shapes."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lib.api import id_field
from lib.dates import BoundedDateSerializerField
from workflow.models import TRAVEL_MAX_MINUTES, Appointment, AppointmentChange


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time between the years 2000 and 2100 (room for the slot arithmetic)."""

    def to_internal_value(self, value) -> datetime:
        moment = super().to_internal_value(value)
        if not 2000 <= moment.year <= 2100:
            raise serializers.ValidationError(_("Give a date between the years 2000 and 2100."))
        return moment


class AppointmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    site = serializers.IntegerField(source="site_id", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    room = serializers.IntegerField(source="room_id", read_only=True, allow_null=True)
    room_name = serializers.SerializerMethodField()
    counsellor = serializers.IntegerField(source="counsellor_id", read_only=True, allow_null=True)
    counsellor_name = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    service = serializers.ChoiceField(choices=Appointment.Service.choices, read_only=True)
    channel = serializers.ChoiceField(choices=Appointment.Channel.choices, read_only=True)
    # Plain strings rather than enums: other components of the schema have fields of these names.
    status = serializers.CharField(
        read_only=True, help_text=_("requested, confirmed, checked_in, completed, cancelled or no_show.")
    )
    resident = serializers.IntegerField(source="resident_id", read_only=True, allow_null=True)
    contact_name = serializers.CharField(read_only=True)
    contact_phone = serializers.CharField(read_only=True, help_text=_("E.164, e.g. +8613912345678."))
    case = serializers.IntegerField(source="case_id", read_only=True, allow_null=True)
    is_home_visit = serializers.BooleanField(read_only=True)
    companion = serializers.IntegerField(source="companion_id", read_only=True, allow_null=True)
    travel_before_minutes = serializers.IntegerField(read_only=True)
    travel_after_minutes = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)

    def get_room_name(self, appointment) -> str:
        return appointment.room.name if appointment.room_id else ""

    def get_counsellor_name(self, appointment) -> str:
        counsellor = appointment.counsellor
        return (counsellor.full_name or counsellor.username) if counsellor else ""


class AppointmentChangeSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True, help_text=", ".join(AppointmentChange.Kind.values))
    at = serializers.DateTimeField(read_only=True)
    by = serializers.IntegerField(source="by_id", read_only=True, allow_null=True)
    from_starts_at = serializers.DateTimeField(read_only=True, allow_null=True)
    to_starts_at = serializers.DateTimeField(read_only=True, allow_null=True)
    from_counsellor = serializers.IntegerField(source="from_counsellor_id", read_only=True, allow_null=True)
    to_counsellor = serializers.IntegerField(source="to_counsellor_id", read_only=True, allow_null=True)
    from_room = serializers.IntegerField(source="from_room_id", read_only=True, allow_null=True)
    to_room = serializers.IntegerField(source="to_room_id", read_only=True, allow_null=True)
    note = serializers.CharField(read_only=True)


class AppointmentDetailSerializer(AppointmentSerializer):
    """One appointment with what the person said they want help with, and its history."""

    contact_sex = serializers.CharField(read_only=True)
    contact_age = serializers.IntegerField(read_only=True, allow_null=True)
    reason = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    cancel_reason = serializers.CharField(read_only=True)
    history = AppointmentChangeSerializer(source="changes.all", many=True, read_only=True)


class AppointmentQuerySerializer(serializers.Serializer):
    status = serializers.CharField(required=False, help_text=", ".join(Appointment.Status.values))
    site = id_field(required=False)
    counsellor = id_field(required=False)
    date_from = BoundedDateSerializerField(required=False, help_text=_("Starting on or after this day."))
    date_to = BoundedDateSerializerField(required=False, help_text=_("Starting on or before this day."))

    def validate_status(self, value: str) -> str:
        if value not in Appointment.Status.values:
            raise serializers.ValidationError(
                _("Choose one of: %(values)s.") % {"values": ", ".join(Appointment.Status.values)}
            )
        return value


class _HomeVisitFields(serializers.Serializer):
    """What a home visit adds, on registering and on confirming alike."""

    companion = id_field(
        required=False, allow_null=True, default=None, help_text=_("Home visits: the second staff member.")
    )
    travel_before_minutes = serializers.IntegerField(
        min_value=0,
        max_value=TRAVEL_MAX_MINUTES,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Home visits: travel there, in minutes (default 30)."),
    )
    travel_after_minutes = serializers.IntegerField(
        min_value=0,
        max_value=TRAVEL_MAX_MINUTES,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Home visits: travel back, in minutes (default 30)."),
    )


class AppointmentCreateSerializer(_HomeVisitFields):
    site = id_field()
    starts_at = BoundedDateTimeField(help_text=_("On the slot grid, e.g. 2025-03-10T13:30:00+08:00."))
    ends_at = BoundedDateTimeField()
    service = serializers.ChoiceField(choices=Appointment.Service.choices)
    # The full choice set keeps one enum in the schema; the service refuses "portal" for staff.
    channel = serializers.ChoiceField(
        choices=Appointment.Channel.choices, help_text=_("phone, on_site or referral.")
    )
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    contact_sex = serializers.CharField(
        max_length=1, required=False, allow_blank=True, default="", help_text=_("M, F, U or empty.")
    )
    contact_age = serializers.IntegerField(
        min_value=0, max_value=120, required=False, allow_null=True, default=None
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    counsellor = id_field(required=False, allow_null=True, default=None)
    room = id_field(required=False, allow_null=True, default=None)
    resident = id_field(required=False, allow_null=True, default=None)
    confirm_now = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Confirm at once (a counsellor and a room are then required)."),
    )
    acknowledged = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Book even though the time has passed or the counsellor is not on duty then; without it "
            "such a booking is refused with the warnings under this field."
        ),
    )


class AppointmentConfirmSerializer(_HomeVisitFields):
    counsellor = id_field()
    room = id_field(required=False, allow_null=True, default=None, help_text=_("None for a home visit."))
    address = serializers.CharField(
        max_length=200,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Home visits: by default the resident's address."),
    )


class AppointmentCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AppointmentRescheduleSerializer(_HomeVisitFields):
    starts_at = BoundedDateTimeField()
    ends_at = BoundedDateTimeField()
    counsellor = id_field(required=False, allow_null=True, default=None)
    room = id_field(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=200)
