"""Serializers of the monthly reports API: they collect input; the services hold the rules."""

from __future__ import annotations

from rest_framework import serializers

from lib.api import id_field

from .models import ConcernRow, MonthlyReport


class ConcernRowSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()

    class Meta:
        model = ConcernRow
        fields = ["id", "resident", "person", "category", "days", "urgency"]

    def get_person(self, row) -> str:
        return row.resident.name if row.resident else row.person_description


class MonthlyReportSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField()
    concerns = ConcernRowSerializer(many=True, read_only=True)

    class Meta:
        model = MonthlyReport
        fields = [
            "id",
            "assignment",
            "org_unit",
            "period",
            "form_code",
            "form_version",
            "state",
            "answers",
            "is_zero",
            "first_submitted_at",
            "submitted_at",
            "on_time",
            "return_reason",
            "accepted_at",
            "approved_at",
            "concerns",
        ]

    def get_period(self, report) -> str:
        return report.period_label


class ConcernInputSerializer(serializers.Serializer):
    resident = id_field(required=False, allow_null=True)
    person_description = serializers.CharField(required=False, allow_blank=True, max_length=200)
    category = serializers.ChoiceField(choices=ConcernRow.Category.choices)
    signs = serializers.CharField(max_length=1000)
    days = serializers.IntegerField(min_value=0, max_value=366)
    urgency = serializers.ChoiceField(choices=ConcernRow.Urgency.choices)


class ReportCreateSerializer(serializers.Serializer):
    assignment = id_field()
    period = serializers.CharField(max_length=7)
    answers = serializers.DictField(required=False)
    is_zero = serializers.BooleanField(required=False, default=False)
    concerns = ConcernInputSerializer(many=True, required=False)


class ReportUpdateSerializer(serializers.Serializer):
    answers = serializers.DictField(required=False)
    is_zero = serializers.BooleanField(required=False, default=False)
    concerns = ConcernInputSerializer(many=True, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class CompletenessQuerySerializer(serializers.Serializer):
    period = serializers.CharField(max_length=7)
    unit = id_field()


class CompletenessSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    period = serializers.CharField()
    expected = serializers.IntegerField()
    submitted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    reporting_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)
