"""Serializers of the group counselling API: they collect and check input; rules are in services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Attendance, GroupMember, GroupProgramme, GroupSession

# Ids beyond a database integer are a 400, never an overflow in the query.
ID = {"min_value": 1, "max_value": 2**31 - 1}


class GroupProgrammeSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    leaders = serializers.SerializerMethodField()
    sessions_held = serializers.SerializerMethodField()

    class Meta:
        model = GroupProgramme
        fields = [
            "id", "name", "kind", "status", "org_unit", "location", "leaders", "inclusion_criteria",
            "capacity", "first_session_at", "session_count", "interval_days", "session_minutes",
            "instruments", "primary_instrument", "pre_window_days", "post_window_days", "sessions_held",
        ]  # fmt: skip
        read_only_fields = fields

    def get_leaders(self, programme) -> list[int]:
        return [leader.pk for leader in programme.leaders.all()]

    def get_sessions_held(self, programme) -> int:
        return getattr(programme, "held_count", 0)


class GroupProgrammeCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(
        choices=GroupProgramme.Kind.choices,
        help_text="closed | open",
        error_messages={"invalid_choice": _("Choose the kind of group: closed or open.")},
    )
    org_unit = serializers.IntegerField(**ID)
    leaders = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    first_session_at = serializers.DateTimeField()
    session_count = serializers.IntegerField(min_value=1, max_value=52, default=8)
    interval_days = serializers.IntegerField(min_value=1, max_value=31, default=7)
    session_minutes = serializers.IntegerField(min_value=15, max_value=480, default=90)
    instruments = serializers.ListField(child=serializers.CharField(max_length=40), default=lambda: ["phq9"])
    primary_instrument = serializers.CharField(max_length=40, default="phq9")
    capacity = serializers.IntegerField(min_value=2, max_value=60, default=12)
    inclusion_criteria = serializers.CharField(required=False, allow_blank=True, default="")
    location = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    pre_window_days = serializers.IntegerField(min_value=0, max_value=90, default=14)
    post_window_days = serializers.IntegerField(min_value=0, max_value=90, default=14)


class GroupMemberSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    attended = serializers.IntegerField(read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "resident", "resident_name", "status", "enrolled_at", "dropped_at", "attended"]
        read_only_fields = fields


class GroupMemberAddSerializer(serializers.Serializer):
    resident = serializers.IntegerField(**ID)


class GroupSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = GroupSession
        fields = ["id", "number", "starts_at", "duration_minutes", "status", "topic", "plan"]
        read_only_fields = fields


class GroupMarkSerializer(serializers.Serializer):
    member = serializers.IntegerField(**ID)
    mark = serializers.ChoiceField(choices=Attendance.Mark.choices)


class GroupAttendanceSerializer(serializers.Serializer):
    marks = GroupMarkSerializer(many=True, allow_empty=False)


class GroupAttendanceRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendance
        fields = ["member", "mark"]
        read_only_fields = fields


class GroupOutcomeQuerySerializer(serializers.Serializer):
    instrument = serializers.CharField(max_length=40, required=False)
