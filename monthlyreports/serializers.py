"""Serializers of the monthly reports API: they collect input; the services hold the rules."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.api import id_field

from . import selectors
from .models import ConcernRow, MonthlyReport


class ConcernRowSerializer(serializers.ModelSerializer):
    """A row as ``selectors.concerns_seen_by`` gives it to the person asking."""

    resident = serializers.SerializerMethodField()
    person = serializers.CharField(source="shown_person")

    class Meta:
        model = ConcernRow
        fields = ["id", "resident", "person", "category", "days", "urgency"]

    def get_resident(self, row) -> int | None:
        return row.shown_resident.pk if row.shown_resident else None


class MonthlyReportSerializer(serializers.ModelSerializer):
    """Give it ``context={"user": ...}``: the rows of people of concern depend on who asks."""

    period = serializers.SerializerMethodField()
    concerns = serializers.SerializerMethodField()

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

    @extend_schema_field(ConcernRowSerializer(many=True))
    def get_concerns(self, report) -> list:
        rows = selectors.concerns_seen_by(
            user=self.context["user"], report=report, rows=report.concerns.all()
        )
        return ConcernRowSerializer(rows, many=True).data


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
