"""Serializers of the volunteers API: input shape only; the rules live in volunteers.services."""

from __future__ import annotations

from rest_framework import serializers

from lib.api import id_field

from .models import VISIT_MAX_MINUTES, Visit, VisitAssignment, VolunteerProfile


class VolunteerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name")
    coordinator = serializers.CharField(source="coordinator.full_name")
    # Plain codes: named enums of these would collide with other apps' "status" and "kind".
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = VolunteerProfile
        fields = [
            "id",
            "name",
            "kind",
            "status",
            "skills",
            "dialects",
            "availability",
            "coordinator",
            "star_level",
        ]


class AssignmentResidentSerializer(serializers.Serializer):
    """What a visit needs of the resident, and nothing else."""

    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    emergency_name = serializers.CharField()
    emergency_relation = serializers.CharField()
    emergency_phone = serializers.CharField()


class VisitAssignmentSerializer(serializers.ModelSerializer):
    resident = AssignmentResidentSerializer()
    volunteer = serializers.CharField(source="volunteer.__str__")
    contact_due_at = serializers.DateTimeField(allow_null=True, default=None)
    last_contact_at = serializers.DateTimeField(allow_null=True, default=None)
    reason = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = VisitAssignment
        fields = [
            "id",
            "volunteer",
            "resident",
            "reason",
            "frequency_days",
            "status",
            "last_contact_at",
            "contact_due_at",
        ]


class VisitSerializer(serializers.ModelSerializer):
    passed_on = serializers.SerializerMethodField()
    mode = serializers.CharField(read_only=True)
    mood = serializers.CharField(read_only=True)
    hours_status = serializers.CharField(read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "assignment",
            "visited_at",
            "mode",
            "contact_made",
            "duration_minutes",
            "mood",
            "needs",
            "notes",
            "concern",
            "concern_text",
            "hours_status",
            "passed_on",
        ]

    def get_passed_on(self, visit) -> str:
        # Only the acknowledgement: never the signal, the alert or what followed.
        return "已转交心理老师" if visit.passed_on else ""


class VisitCreateSerializer(serializers.Serializer):
    assignment = id_field()
    submission_key = serializers.UUIDField(required=False, allow_null=True)
    visited_at = serializers.DateTimeField()
    mode = serializers.ChoiceField(choices=Visit.Mode.choices)
    contact_made = serializers.BooleanField(allow_null=False)
    duration_minutes = serializers.IntegerField(
        min_value=0, max_value=VISIT_MAX_MINUTES, required=False, default=0
    )
    mood = serializers.ChoiceField(choices=Visit.Mood.choices, required=False, allow_blank=True, default="")
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Visit.Need.choices), required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    concern = serializers.BooleanField(required=False, default=False)
    concern_text = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate_visited_at(self, value):
        from lib.dates import OUT_OF_RANGE, in_range

        if not in_range(value.date()):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return value
