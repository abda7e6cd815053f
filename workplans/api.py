"""REST endpoints of work plans under /api/v1/ (listed in api/urls.py), under the same policy,
selectors and services as the pages.

``work-plans/`` lists and creates plans; ``work-plans/{id}/`` reads one with its items;
``work-plans/{id}/items/`` lists and adds items; ``work-plans/{id}/occurrences/`` lists the
derived occurrences with their states and counts a record for one (POST);
``work-plans/{id}/{action}/`` submits, returns, approves, activates or closes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from confidentiality import policy
from confidentiality.services import audit_list_read
from orgs.models import OrgUnit

from . import selectors, services
from .models import PlanItem, WorkPlan
from .serializers import (
    OccurrenceLinkCreateSerializer,
    OccurrenceSerializer,
    PlanItemCreateSerializer,
    PlanItemSerializer,
    WorkPlanCreateSerializer,
    WorkPlanDetailSerializer,
    WorkPlanReasonSerializer,
    WorkPlanSerializer,
)


def _plan(request, pk) -> WorkPlan:
    return policy.fetch_or_404(
        request.user, WorkPlan, queryset=WorkPlan.objects.select_related("org_unit"), pk=pk
    )


class WorkPlanListCreate(generics.GenericAPIView):
    """The plans the caller may see; writers create drafts with POST."""

    serializer_class = WorkPlanSerializer

    @extend_schema(responses=WorkPlanSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.plans_for(request.user))
        audit_list_read(
            actor=request.user, object_type="workplans.workplan", page="api", ids=[p.pk for p in page]
        )
        return self.get_paginated_response(WorkPlanSerializer(page, many=True).data)

    @extend_schema(request=WorkPlanCreateSerializer, responses={201: WorkPlanSerializer})
    def post(self, request):
        if not policy.can_write_plans(request.user):
            raise PermissionDenied
        data = WorkPlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = OrgUnit.objects.filter(pk=values.pop("org_unit")).first()
        if unit is None or not policy.can_plan_for(request.user, unit):
            return Response(
                {"org_unit": [_("Choose a unit in your scope.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        plan = services.plan_create(actor=request.user, org_unit=unit, **values)
        return Response(WorkPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class WorkPlanDetail(APIView):
    @extend_schema(responses=WorkPlanDetailSerializer)
    def get(self, request, pk: int):
        plan = _plan(request, pk)
        items = list(selectors.plan_items(plan))
        return Response(WorkPlanDetailSerializer(plan, context={"items": items}).data)


class WorkPlanItems(APIView):
    """The plan's items; POST adds one inside the plan's period (writers of the plan)."""

    @extend_schema(responses=PlanItemSerializer(many=True))
    def get(self, request, pk: int):
        plan = _plan(request, pk)
        return Response(PlanItemSerializer(list(selectors.plan_items(plan)), many=True).data)

    @extend_schema(request=PlanItemCreateSerializer, responses={201: PlanItemSerializer})
    def post(self, request, pk: int):
        plan = _plan(request, pk)
        if not policy.can_edit_plan(request.user, plan):
            raise Http404
        data = PlanItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owner = policy.filter_plan_owner_choices(
            request.user, User.objects.filter(pk=values.pop("owner"))
        ).first()
        if owner is None:
            return Response(
                {"owner": [_("Choose an owner among the staff in your scope.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        item = services.item_create(actor=request.user, plan=plan, owner=owner, **values)
        return Response(PlanItemSerializer(item).data, status=status.HTTP_201_CREATED)


class WorkPlanOccurrences(APIView):
    """The plan's occurrences with their computed states; POST counts a record for one."""

    @extend_schema(responses=OccurrenceSerializer(many=True))
    def get(self, request, pk: int):
        plan = _plan(request, pk)
        occurrences = [o for row in selectors.plan_occurrences(plan) for o in row.occurrences]
        return Response(OccurrenceSerializer(occurrences, many=True).data)

    @extend_schema(request=OccurrenceLinkCreateSerializer, responses={201: OccurrenceSerializer})
    def post(self, request, pk: int):
        plan = _plan(request, pk)
        data = OccurrenceLinkCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = policy.fetch_or_404(
            request.user,
            PlanItem,
            queryset=PlanItem.objects.filter(plan=plan).select_related("plan"),
            pk=values["item"],
        )
        if not policy.can_link_for_item(request.user, item):
            raise Http404
        services.occurrence_link(
            actor=request.user,
            item=item,
            occurrence_on=values["occurrence_on"],
            source=values["source"],
            object_id=values["object_id"],
        )
        occurrence = selectors.find_occurrence(item, values["occurrence_on"].isoformat())
        return Response(OccurrenceSerializer(occurrence).data, status=status.HTTP_201_CREATED)


class WorkPlanAction(APIView):
    """submit (writers), return with a reason, approve, activate, close (approvers)."""

    RULES = {
        "submit": ("can_edit_plan", services.plan_submit),
        "approve": ("can_approve_plan", services.plan_approve),
        "activate": ("can_approve_plan", services.plan_activate),
        "close": ("can_approve_plan", services.plan_close),
        "return": ("can_approve_plan", None),
    }

    @extend_schema(
        operation_id="v1_work_plans_action", request=WorkPlanReasonSerializer, responses=WorkPlanSerializer
    )
    def post(self, request, pk: int, action: str):
        if action not in self.RULES:
            raise Http404
        plan = _plan(request, pk)
        rule, service = self.RULES[action]
        if not getattr(policy, rule)(request.user, plan):
            raise Http404
        if service is None:
            data = WorkPlanReasonSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            plan = services.plan_return(actor=request.user, plan=plan, reason=data.validated_data["reason"])
        else:
            plan = service(actor=request.user, plan=plan)
        return Response(WorkPlanSerializer(plan).data)
