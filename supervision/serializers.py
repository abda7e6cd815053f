"""Serializers of the supervision API: input shape only; the rules live in supervision.services.

A session's discussed cases come from ``selectors.discussed_cases`` (passed in the context as
``cases``): the case number always, the client's name only for the case's team."""

from __future__ import annotations

from rest_framework import serializers

from lib.api import id_field
from lib.dates import BoundedDateSerializerField

from .models import REASON_MAX, SESSION_MAX_MINUTES, SUMMARY_MAX, TEXT_MAX, Recommendation, SupervisionSession


class DiscussedCaseSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    number = serializers.CharField()
    client = serializers.SerializerMethodField()

    def get_id(self, case) -> int | None:
        return case["pk"] if case["visible"] else None

    def get_client(self, case) -> str | None:
        return case["name"] if case["visible"] else None


class RecommendationSerializer(serializers.ModelSerializer):
    owner = serializers.IntegerField(source="owner_id")
    owner_name = serializers.CharField(source="owner.full_name")
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Recommendation
        fields = ["id", "session", "text", "owner", "owner_name", "due_on", "status", "reason", "decided_at"]


class SupervisionSessionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    supervisor = serializers.IntegerField(source="supervisor_id", allow_null=True)
    supervisor_name = serializers.CharField()
    attendees = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionSession
        fields = [
            "id",
            "kind",
            "held_on",
            "duration_minutes",
            "supervisor",
            "supervisor_name",
            "external_qualification",
            "attendees",
            "cases",
            "summary",
        ]

    def get_attendees(self, session) -> list[int]:
        return [person.pk for person in session.attendees.all()]

    def get_cases(self, session) -> list[dict]:
        cases = self.context.get("cases", {}).get(session.pk, [])
        return DiscussedCaseSerializer(cases, many=True).data


class SupervisionSessionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupervisionSession.Kind.choices)
    held_on = BoundedDateSerializerField()
    duration_minutes = serializers.IntegerField(min_value=1, max_value=SESSION_MAX_MINUTES)
    supervisor = id_field(required=False, allow_null=True, default=None)
    external_supervisor = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    external_qualification = serializers.CharField(
        required=False, allow_blank=True, max_length=120, default=""
    )
    attendees = serializers.ListField(child=id_field(), min_length=1, max_length=50)
    cases = serializers.ListField(child=id_field(), required=False, default=list, max_length=50)
    summary = serializers.CharField(max_length=SUMMARY_MAX)


class RecommendationCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)
    owner = id_field()
    due_on = BoundedDateSerializerField()


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)
