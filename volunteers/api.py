"""REST endpoints of this app under /api/v1/ (listed in api/urls.py): volunteers, visit
assignments and visits, under the same policy, selectors and services as the pages. A phone app
logs a visit with POST visits/ (its submission_key makes a retry write once)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.api import ErrorSerializer

from . import selectors, services
from .models import VisitAssignment, VolunteerProfile
from .permissions import LOG_VISITS, MANAGE_VOLUNTEERS
from .serializers import (
    VisitAssignmentSerializer,
    VisitCreateSerializer,
    VisitSerializer,
    VolunteerSerializer,
)

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="The role may not do this.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or not one the caller may see.")


def _require_either(user) -> None:
    if not (policy.has_permission(user, MANAGE_VOLUNTEERS) or policy.has_permission(user, LOG_VISITS)):
        policy.require_permission(user, MANAGE_VOLUNTEERS)


class VolunteerList(generics.GenericAPIView):
    serializer_class = VolunteerSerializer

    @extend_schema(responses={200: VolunteerSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        _require_either(request.user)
        page = self.paginate_queryset(selectors.profiles_for(user=request.user))
        audit_list_read(
            actor=request.user,
            object_type="volunteers.volunteerprofile",
            page="api",
            ids=[p.pk for p in page],
        )
        return self.get_paginated_response(VolunteerSerializer(page, many=True).data)


class VolunteerDetail(APIView):
    @extend_schema(responses={200: VolunteerSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        _require_either(request.user)
        queryset = VolunteerProfile.objects.select_related("user", "coordinator")
        profile = policy.fetch_or_404(request.user, VolunteerProfile, queryset=queryset, pk=pk)
        return Response(VolunteerSerializer(profile).data)


class AssignmentList(generics.GenericAPIView):
    """Active assignments the caller sees, soonest contact due first."""

    serializer_class = VisitAssignmentSerializer

    @extend_schema(responses={200: VisitAssignmentSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        _require_either(request.user)
        page = self.paginate_queryset(selectors.active_assignments_for(user=request.user))
        audit_list_read(
            actor=request.user, object_type="volunteers.visitassignment", page="api", ids=[a.pk for a in page]
        )
        return self.get_paginated_response(VisitAssignmentSerializer(page, many=True).data)


class AssignmentDetail(APIView):
    @extend_schema(responses={200: VisitAssignmentSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        _require_either(request.user)
        assignment = selectors.assignment_for_page(user=request.user, pk=pk)
        services.assignment_record_view(actor=request.user, assignment=assignment)
        row = selectors.assignments_with_contact_clock(VisitAssignment.objects.filter(pk=pk)).first()
        if row is not None:
            assignment.contact_due_at, assignment.last_contact_at = row.contact_due_at, row.last_contact_at
        return Response(VisitAssignmentSerializer(assignment).data)


class VisitList(generics.GenericAPIView):
    serializer_class = VisitSerializer

    @extend_schema(responses={200: VisitSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        _require_either(request.user)
        page = self.paginate_queryset(selectors.visits_of(user=request.user).order_by("-visited_at", "-pk"))
        audit_list_read(
            actor=request.user, object_type="volunteers.visit", page="api", ids=[v.pk for v in page]
        )
        return self.get_paginated_response(VisitSerializer(page, many=True).data)

    @extend_schema(
        request=VisitCreateSerializer,
        responses={
            201: VisitSerializer,
            200: VisitSerializer,
            400: OpenApiResponse(description="Field errors."),
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request):
        """Log a visit (the assigned volunteer only). The same submission_key again answers 200
        with the visit already written."""
        policy.require_permission(request.user, LOG_VISITS)
        data = VisitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        assignment = selectors.assignment_for_page(user=request.user, pk=values.pop("assignment"))
        visit, created = services.visit_log(actor=request.user, assignment=assignment, **values)
        return Response(
            VisitSerializer(visit).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class VisitDetail(APIView):
    @extend_schema(responses={200: VisitSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        _require_either(request.user)
        visit = selectors.visit_for_page(user=request.user, pk=pk)
        services.visit_record_view(actor=request.user, visit=visit)
        return Response(VisitSerializer(visit).data)
