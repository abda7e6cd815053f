"""API: follow-ups (SVC-6), under the same policy, selectors and services as the staff pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from confidentiality import policy
from confidentiality.services import audit_list_read
from workflow.models import FollowUpTask
from workflow.permissions import MANAGE_CASES
from workflow.selectors.followups import visible_follow_ups
from workflow.serializers.followups import (
    FollowUpCompleteSerializer,
    FollowUpDetailSerializer,
    FollowUpFilterSerializer,
    FollowUpSerializer,
)
from workflow.services import followups as services


def _task(request, pk: int) -> FollowUpTask:
    policy.require_permission(request.user, MANAGE_CASES)
    queryset = FollowUpTask.objects.select_related("resident", "case", "assignee")
    return policy.fetch_or_404(request.user, FollowUpTask, queryset=queryset, pk=pk)


def _detail(request, task: FollowUpTask) -> Response:
    """The task with its outcome; reading an outcome is written to the audit log."""
    if task.outcome:
        services.follow_up_record_view(actor=request.user, task=task)
    return Response(FollowUpDetailSerializer(task).data)


class FollowUpList(generics.GenericAPIView):
    """The caller's follow-ups and their team's (outcomes are only in the single task)."""

    serializer_class = FollowUpSerializer

    @extend_schema(parameters=[FollowUpFilterSerializer], responses=FollowUpSerializer(many=True))
    def get(self, request):
        policy.require_permission(request.user, MANAGE_CASES)
        filters = FollowUpFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = visible_follow_ups(
            user=request.user,
            status=filters.validated_data.get("status", ""),
            due=filters.validated_data.get("due", ""),
        )
        page = self.paginate_queryset(queryset)
        audit_list_read(
            actor=request.user,
            object_type="workflow.followuptask",
            page="api",
            ids=[task.pk for task in page],
        )
        return self.get_paginated_response(FollowUpSerializer(page, many=True).data)


class FollowUpDetail(APIView):
    @extend_schema(responses=FollowUpDetailSerializer)
    def get(self, request, pk: int):
        return _detail(request, _task(request, pk))


class FollowUpComplete(APIView):
    """Record a follow-up as done, with its outcome: the assignee or the client's team."""

    @extend_schema(request=FollowUpCompleteSerializer, responses=FollowUpDetailSerializer)
    def post(self, request, pk: int):
        task = _task(request, pk)
        data = FollowUpCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.follow_up_complete(
            actor=request.user,
            task=task,
            outcome=data.validated_data["outcome"],
            completed_at=data.validated_data.get("completed_at"),
            method=data.validated_data.get("method"),
        )
        return _detail(request, task)
