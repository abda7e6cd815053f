"""Serializers of the follow-ups API (SVC-6)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.models import FollowUpTask
from workflow.selectors.followups import DUE_FILTERS


class FollowUpFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FollowUpTask.Status.choices, required=False)
    due = serializers.ChoiceField(
        choices=DUE_FILTERS,
        required=False,
        help_text=_("today, overdue (open and past due) or upcoming (open, due in the next 14 days)"),
    )


class FollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    resident = serializers.IntegerField(source="resident_id")
    resident_name = serializers.CharField(source="resident.name")
    case = serializers.IntegerField(source="case_id", allow_null=True)
    case_number = serializers.CharField(source="case.number", allow_null=True, default=None)
    source = serializers.CharField()
    reason = serializers.CharField()
    due_on = serializers.DateField()
    method = serializers.CharField()
    assignee = serializers.IntegerField(source="assignee_id", allow_null=True)
    status = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)


class FollowUpDetailSerializer(FollowUpSerializer):
    outcome = serializers.CharField(allow_blank=True, help_text=_("Reading it is recorded in the audit log."))


class FollowUpCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=4000)
    method = serializers.ChoiceField(choices=FollowUpTask.Method.choices, required=False)
    completed_at = serializers.DateTimeField(required=False, help_text=_("Defaults to now."))
