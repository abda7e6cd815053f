"""API: the organisation tree, the units the caller sees (ORG-1), through the same policy and
services as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from confidentiality import policy
from orgs import services as org_services
from orgs.models import OrgUnit
from orgs.permissions import MANAGE_ORG_TREE, VIEW_ORG_TREE
from orgs.serializers import OrgUnitCreateSerializer, OrgUnitSerializer


class OrgUnitListCreate(generics.GenericAPIView):
    serializer_class = OrgUnitSerializer

    def get_queryset(self):
        policy.require_permission(self.request.user, VIEW_ORG_TREE)
        return policy.filter_org_units(self.request.user, OrgUnit.objects.all()).order_by("path")

    def _context(self, units) -> dict:
        return {"ids_by_path": {unit.path: unit.pk for unit in units}}

    @extend_schema(responses=OrgUnitSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        visible_paths = dict(self.get_queryset().values_list("path", "pk"))
        serializer = OrgUnitSerializer(page, many=True, context={"ids_by_path": visible_paths})
        return self.get_paginated_response(serializer.data)

    @extend_schema(request=OrgUnitCreateSerializer, responses={201: OrgUnitSerializer})
    def post(self, request):
        policy.require_permission(request.user, MANAGE_ORG_TREE)
        data = OrgUnitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parent_id = values.pop("parent")
        parent = policy.fetch_or_404(request.user, OrgUnit, pk=parent_id) if parent_id else None
        unit = org_services.org_unit_create(actor=request.user, parent=parent, **values)
        context = {"ids_by_path": {parent.path: parent.pk} if parent else {}}
        return Response(OrgUnitSerializer(unit, context=context).data, status=status.HTTP_201_CREATED)


class OrgUnitDetail(APIView):
    @extend_schema(responses=OrgUnitSerializer)
    def get(self, request, pk: int):
        policy.require_permission(request.user, VIEW_ORG_TREE)
        unit = policy.fetch_or_404(request.user, OrgUnit, pk=pk)
        parent_path = unit.path[: -unit.steplen]
        parent = policy.filter_org_units(request.user, OrgUnit.objects.filter(path=parent_path)).first()
        context = {"ids_by_path": {parent.path: parent.pk} if parent else {}}
        return Response(OrgUnitSerializer(unit, context=context).data)
