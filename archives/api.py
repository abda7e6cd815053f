"""API: residents and their archives (ARC-1, ARC-2), with the same policy, selectors, services
and audit entries as archives.views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from archives import services as archive_services
from archives.models import Resident
from archives.permissions import REGISTER_RESIDENTS, VIEW_RESIDENTS
from archives.selectors import clinical_archive_ids, resident_search
from archives.serializers import (
    DuplicateResidentSerializer,
    ResidentCorrectionSerializer,
    ResidentCreateSerializer,
    ResidentDetailSerializer,
    ResidentListItemSerializer,
    ResidentSearchSerializer,
)
from confidentiality import policy
from lib.api import ErrorSerializer
from orgs.models import OrgUnit

VALIDATION_ERROR = OpenApiResponse(description="Field errors: {field: [messages]}.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="The role may not do this here.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such resident, or not one the caller may see.")


def _visible_unit(user, pk: int, field: str = "org_unit") -> OrgUnit:
    """An active unit the person sees (the units the web forms offer), or a 400 on ``field``."""
    units = policy.filter_org_units(user, OrgUnit.objects.filter(is_active=True))
    unit = units.filter(pk=pk).first()
    if unit is None:
        raise serializers.ValidationError({field: [_("Choose an active organisation unit in your scope.")]})
    return unit


def _resident_detail(user, resident: Resident, *, status_code: int = status.HTTP_200_OK) -> Response:
    """The resident's details, with the opening of the archive written to the audit log."""
    archive = resident.archive
    archive_services.archive_record_view(
        actor=user, archive=archive, basis=policy.clinical_basis(user, archive)
    )
    clinical = policy.can_see_clinical(user, archive)
    context = {
        "clinical": clinical,
        "full_id_number": clinical or policy.can_manage_archive(user, archive),
    }
    return Response(ResidentDetailSerializer(resident, context=context).data, status=status_code)


class ResidentListCreate(generics.GenericAPIView):
    """Residents the caller may see, searched as in the web interface; and registration."""

    serializer_class = ResidentListItemSerializer

    @extend_schema(
        parameters=[ResidentSearchSerializer],
        responses={
            200: ResidentListItemSerializer(many=True),
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
        },
    )
    def get(self, request):
        """Residents the caller may see, matching the filters (audited by filter names, never values)."""
        user = request.user
        if not (policy.has_permission(user, VIEW_RESIDENTS) or policy.sees_clinical_content(user)):
            raise PermissionDenied
        params = ResidentSearchSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = {key: value for key, value in params.validated_data.items() if value not in ("", None)}
        if "risk_level" in filters and not policy.sees_clinical_content(user):
            raise serializers.ValidationError(
                {"risk_level": [_("Your role does not see risk levels; search without this filter.")]}
            )
        residents = resident_search(
            user=user,
            query=filters.get("q", ""),
            org_unit=_visible_unit(user, filters["org_unit"]) if "org_unit" in filters else None,
            tag=filters.get("tag", ""),
            risk_level=filters.get("risk_level", ""),
        )
        page = self.paginate_queryset(residents)
        archive_services.resident_search_record(actor=user, filters=sorted(filters))
        clinical_ids = clinical_archive_ids(
            user=user, archives=[r.archive for r in page if hasattr(r, "archive")]
        )
        serializer = ResidentListItemSerializer(page, many=True, context={"clinical_ids": clinical_ids})
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=ResidentCreateSerializer,
        responses={
            201: ResidentDetailSerializer,
            400: VALIDATION_ERROR,
            403: FORBIDDEN,
            409: OpenApiResponse(
                DuplicateResidentSerializer,
                description="Already registered; ``existing`` is given only if the caller may see them.",
            ),
        },
    )
    def post(self, request):
        """Register a resident and open their archive; one person, one record."""
        user = request.user
        policy.require_permission(user, REGISTER_RESIDENTS)
        data = ResidentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["org_unit"] = _visible_unit(user, values["org_unit"])
        try:
            resident = archive_services.resident_register(actor=user, **values)
        except archive_services.DuplicateResident as duplicate:
            existing = duplicate.existing.pk
            if policy.filter_residents(user, Resident.objects.filter(pk=existing)).exists():
                body = {"detail": _("This person is already registered."), "existing": existing}
            else:
                body = {
                    "detail": _(
                        "A person with this document number or phone is already registered, outside "
                        "your scope. Nothing was created; ask the archive manager."
                    )
                }
            return Response(body, status=status.HTTP_409_CONFLICT)
        response = _resident_detail(user, resident, status_code=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:resident", args=[resident.pk])
        return response


class ResidentDetail(APIView):
    """One resident: basic information, archive, and the clinical summary for those who see it."""

    def _resident(self, request, pk: int) -> Resident:
        queryset = Resident.objects.select_related("org_unit", "archive")
        return policy.fetch_or_404(request.user, Resident, queryset=queryset, pk=pk)

    @extend_schema(responses={200: ResidentDetailSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        """The resident and their archive; every opening is written to the audit log."""
        return _resident_detail(request.user, self._resident(request, pk))

    @extend_schema(
        request=ResidentCorrectionSerializer,
        responses={200: ResidentDetailSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def patch(self, request, pk: int):
        """Correct the details given, with a reason; the old values are kept in the history."""
        user = request.user
        resident = self._resident(request, pk)
        if not policy.can_correct_resident(user, resident):
            raise PermissionDenied
        data = ResidentCorrectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        reason = values.pop("reason")
        if "org_unit" in values:
            values["org_unit"] = _visible_unit(user, values["org_unit"])
        # As the web form does: only what differs is a change (an unchanged birth date or sex must
        # not contradict a corrected ID card number).
        changes = {field: value for field, value in values.items() if value != getattr(resident, field)}
        archive_services.resident_correct(actor=user, resident=resident, changes=changes, reason=reason)
        return _resident_detail(user, resident)
