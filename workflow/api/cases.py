"""API: cases and their sessions (SVC-2, SVC-5), under the same policy, selectors and services as
the staff pages. Private process notes are not in the API, in or out."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_list_read
from workflow.models import Appointment, SessionRecord
from workflow.permissions import MANAGE_CASES
from workflow.selectors import cases as selectors
from workflow.serializers.cases import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseFilterSerializer,
    CaseListItemSerializer,
    SessionCreateSerializer,
    SessionSerializer,
)
from workflow.services import cases as case_services
from workflow.services import sessions as session_services


def _case(request, pk: int):
    policy.require_permission(request.user, MANAGE_CASES)
    return selectors.case_for_page(user=request.user, pk=pk)


class CaseListCreate(generics.GenericAPIView):
    """Cases the caller sees (the case list of the web interface); and opening a case."""

    serializer_class = CaseListItemSerializer

    @extend_schema(parameters=[CaseFilterSerializer], responses=CaseListItemSerializer(many=True))
    def get(self, request):
        policy.require_permission(request.user, MANAGE_CASES)
        filters = CaseFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.case_list(
            user=request.user,
            status=filters.validated_data.get("status", ""),
            mine=filters.validated_data.get("mine", False),
        )
        page = self.paginate_queryset(queryset)
        audit_list_read(
            actor=request.user, object_type="workflow.case", page="api", ids=[case.pk for case in page]
        )
        return self.get_paginated_response(CaseListItemSerializer(page, many=True).data)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def post(self, request):
        """Open a case: the same rules as the web interface (consent, checked-in appointment,
        whom one may assign)."""
        user = request.user
        policy.require_permission(user, MANAGE_CASES)
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resident = appointment = None
        if values["source_appointment"]:
            appointment = policy.fetch_or_404(user, Appointment, pk=values["source_appointment"])
        if values["resident"]:
            resident = policy.fetch_or_404(user, Resident, pk=values["resident"])
        counsellor = user
        if values["counsellor"] and values["counsellor"] != user.pk:
            counsellor = selectors.assignable_counsellors(user=user).filter(pk=values["counsellor"]).first()
            if counsellor is None:
                raise serializers.ValidationError(
                    {"counsellor": [_("Choose yourself or a counsellor you supervise.")]}
                )
        case = case_services.case_open(
            actor=user,
            resident=resident,
            counsellor=counsellor,
            presenting_problem=values["presenting_problem"],
            source_appointment=appointment,
            opened_at=values["opened_at"],
        )
        case = selectors.case_for_page(user=user, pk=case.pk)
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetail(APIView):
    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request, pk: int):
        """One case, with its presenting problem; reading it is written to the audit log."""
        case = _case(request, pk)
        case_services.case_record_view(actor=request.user, case=case)
        return Response(CaseDetailSerializer(case).data)


class CaseSessions(generics.GenericAPIView):
    """The case's session records (without private notes); and recording a session."""

    serializer_class = SessionSerializer

    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request, pk: int):
        case = _case(request, pk)
        queryset = (
            policy.filter_case_children(request.user, SessionRecord.objects.filter(case=case))
            .prefetch_related("companions", selectors.session_addenda_prefetch())
            .order_by("number")
        )
        page = self.paginate_queryset(queryset)
        audit_list_read(
            actor=request.user,
            object_type="workflow.sessionrecord",
            page="api_case_sessions",
            ids=[session.pk for session in page],
            filters={"case": case.pk},
        )
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionSerializer})
    def post(self, request, pk: int):
        user = request.user
        case = _case(request, pk)
        if not policy.can_work_on_case(user, case):
            raise PermissionDenied
        data = SessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        appointment_pk = values.pop("appointment")
        appointment = policy.fetch_or_404(user, Appointment, pk=appointment_pk) if appointment_pk else None
        wanted = set(values.pop("companions")) - {user.pk}
        companions = list(selectors.companion_choices(user=user).filter(pk__in=wanted))
        if len(companions) != len(wanted):
            raise serializers.ValidationError(
                {"companions": [_("Choose companions among the active staff of your organisation unit.")]}
            )
        session = session_services.session_record_create(
            actor=user, case=case, appointment=appointment, companions=companions, **values
        )
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)
