"""API for the instrument library and assessments (ASM-1, ASM-3), under the same policy as the UI."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from archives.models import Resident
from assessments import services as assessment_services
from assessments.library import available_instruments, get_instrument
from assessments.models import Assessment
from assessments.permissions import ADMINISTER_ASSESSMENTS
from assessments.serializers import (
    AssessmentCreateSerializer,
    AssessmentSerializer,
    InstrumentDetailSerializer,
    InstrumentSummarySerializer,
)
from confidentiality import policy


def _summary(instrument) -> dict:
    data = instrument.data
    return {
        "code": instrument.code,
        "version": instrument.version,
        "name": data["name"],
        "item_count": instrument.item_count,
        "response_type": data["response_type"],
        "licence": data["licence"],
        "loinc": data.get("loinc"),
    }


class InstrumentList(APIView):
    """The instruments this centre uses (any signed-in staff member may read the library)."""

    @extend_schema(responses=InstrumentSummarySerializer(many=True))
    def get(self, request):
        instruments = sorted(available_instruments().items())
        return Response([_summary(instrument) for _code, instrument in instruments])


class InstrumentDetail(APIView):
    @extend_schema(responses=InstrumentDetailSerializer)
    def get(self, request, code: str):
        try:
            instrument = get_instrument(code)
        except KeyError as exc:
            raise Http404 from exc
        body = _summary(instrument)
        body.update(
            items=instrument.items,
            options=instrument.data.get("options", []),
            instructions=instrument.data.get("instructions", {}),
        )
        return Response(body)


class AssessmentListCreate(generics.GenericAPIView):
    serializer_class = AssessmentSerializer

    @extend_schema(
        parameters=[OpenApiParameter("resident", int, required=True, description="the resident's id")],
        responses=AssessmentSerializer(many=True),
    )
    def get(self, request):
        """The current version of each of a resident's assessments (clinical content)."""
        raw = request.query_params.get("resident", "")
        if not raw.isdigit():
            raise serializers.ValidationError({"resident": [_("Give the resident's id.")]})
        resident = policy.fetch_or_404(request.user, Resident, pk=int(raw))
        queryset = policy.filter_assessments(
            request.user, Assessment.objects.filter(resident=resident, superseded_by__isnull=True)
        ).order_by("-administered_at", "-pk")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(AssessmentSerializer(page, many=True).data)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def post(self, request):
        """Record an assessment given by staff; the same service (consent, scoring, signals) as the UI."""
        policy.require_permission(request.user, ADMINISTER_ASSESSMENTS)
        data = AssessmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resident = policy.fetch_or_404(request.user, Resident, pk=data.validated_data["resident"])
        assessment = assessment_services.assessment_record(
            actor=request.user,
            resident=resident,
            instrument_code=data.validated_data["instrument"],
            answers=data.validated_data["answers"],
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
