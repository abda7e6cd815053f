"""API shapes of cases and sessions. Input validation only: the rules are in the services.

Private process notes have no field here, in or out: they never travel through the API.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.models import Case, Modality

TEXT_MAX = 20000


def _plausible(value: datetime | None) -> datetime | None:
    if value is not None and not (2000 <= value.year <= 2100):
        raise serializers.ValidationError(_("Give a date between the years 2000 and 2100."))
    return value


class CaseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text=_("Only the caller's own cases.")
    )


class CaseListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    resident = serializers.IntegerField(source="resident_id")
    resident_name = serializers.CharField(source="resident.name")
    counsellor = serializers.IntegerField(source="counsellor_id")
    status = serializers.CharField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)


class CaseDetailSerializer(CaseListItemSerializer):
    presenting_problem = serializers.CharField()
    closing_summary = serializers.CharField(allow_blank=True)
    source_appointment = serializers.IntegerField(source="source_appointment_id", allow_null=True)
    opened_by = serializers.IntegerField(source="opened_by_id")


class CaseCreateSerializer(serializers.Serializer):
    resident = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text=_("The client's resident id.")
    )
    source_appointment = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A checked-in appointment the case is opened from (its resident is the client)."),
    )
    counsellor = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, default=None, help_text=_("Defaults to the caller.")
    )
    presenting_problem = serializers.CharField(max_length=TEXT_MAX)
    opened_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_opened_at(self, value):
        return _plausible(value)


class SessionAddendumSerializer(serializers.Serializer):
    text = serializers.CharField()
    reason = serializers.CharField()
    written_by = serializers.IntegerField(source="written_by_id")
    written_at = serializers.DateTimeField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    number = serializers.IntegerField()
    appointment = serializers.IntegerField(source="appointment_id", allow_null=True)
    held_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    modality = serializers.CharField()
    content = serializers.CharField()
    client_feedback = serializers.CharField(allow_blank=True)
    problems_handled = serializers.CharField(allow_blank=True)
    next_steps = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)
    companions = serializers.SerializerMethodField()
    recorded_by = serializers.IntegerField(source="recorded_by_id")
    recorded_at = serializers.DateTimeField()
    addenda = SessionAddendumSerializer(
        many=True, read_only=True, help_text=_("Corrections written after the record, oldest first.")
    )

    def get_companions(self, obj) -> list[int]:
        return sorted(person.pk for person in obj.companions.all())


class SessionCreateSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600)
    modality = serializers.ChoiceField(choices=Modality.choices)
    content = serializers.CharField(max_length=TEXT_MAX)
    client_feedback = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    problems_handled = serializers.CharField(
        max_length=TEXT_MAX, required=False, allow_blank=True, default=""
    )
    next_steps = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    appointment = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("A checked-in appointment of the client, completed with this session."),
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    companions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        default=list,
        max_length=20,
        help_text=_("Staff or volunteers who went along (home visits)."),
    )
    request_key = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Made by the client once per session it records: sending it again returns the stored session."
        ),
    )

    def validate_held_at(self, value):
        return _plausible(value)
