"""REST endpoints of the monthly reports under /api/v1/ (listed in api/urls.py), calling the same
selectors and services as the pages. A report out of reach is a 404; a change to an approved or
locked report is a 409 with the same sentence as the page."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from confidentiality import policy
from confidentiality.services import audit_list_read

from . import selectors, services
from .models import MonthlyReport, ReportingAssignment
from .permissions import MANAGE_REPORTING
from .serializers import (
    CompletenessQuerySerializer,
    CompletenessSerializer,
    MonthlyReportSerializer,
    ReasonSerializer,
    ReportCreateSerializer,
    ReportUpdateSerializer,
)


def _require_use(user) -> None:
    if not policy.can_use_monthly_reports(user):
        raise PermissionDenied


def _report(request, pk) -> MonthlyReport:
    _require_use(request.user)
    return policy.fetch_or_404(
        request.user,
        MonthlyReport,
        queryset=MonthlyReport.objects.select_related("assignment", "org_unit"),
        pk=pk,
    )


def _locked(exc) -> Response:
    return Response({"detail": exc.messages[0]}, status=status.HTTP_409_CONFLICT)


def _shown(user, report) -> dict:
    report = (
        MonthlyReport.objects.select_related("assignment", "org_unit")
        .prefetch_related("concerns__resident")
        .get(pk=report.pk)
    )
    return MonthlyReportSerializer(report, context={"user": user}).data


def _write(user, report, data) -> None:
    if "answers" in data or "is_zero" in data:
        services.report_save(
            actor=user,
            report=report,
            answers=data.get("answers", report.answers),
            is_zero=data.get("is_zero", False),
        )
    for row in data.get("concerns", []):
        row = dict(row)
        resident_pk = row.pop("resident", None)
        resident = None
        if resident_pk:
            resident = selectors.nameable_resident(user=user, pk=resident_pk)
            if resident is None:
                raise Http404
        services.concern_add(actor=user, report=report, resident=resident, **row)


class MonthlyReportListCreate(generics.GenericAPIView):
    serializer_class = MonthlyReportSerializer

    @extend_schema(responses={200: MonthlyReportSerializer(many=True)})
    def get(self, request):
        _require_use(request.user)
        queryset = selectors.reports_for_list(user=request.user).prefetch_related("concerns__resident")
        page = self.paginate_queryset(queryset)
        audit_list_read(
            actor=request.user,
            object_type="monthlyreports.monthlyreport",
            page="api",
            ids=[r.pk for r in page],
        )
        return self.get_paginated_response(
            MonthlyReportSerializer(page, many=True, context={"user": request.user}).data
        )

    @extend_schema(request=ReportCreateSerializer, responses={201: MonthlyReportSerializer})
    def post(self, request):
        user = request.user
        _require_use(user)
        data = ReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        assignment = policy.fetch_or_404(user, ReportingAssignment, pk=values["assignment"])
        try:
            with transaction.atomic():
                report = services.report_start(actor=user, assignment=assignment, period=values["period"])
                _write(user, report, values)
        except services.ReportLocked as exc:
            return _locked(exc)
        return Response(_shown(user, report), status=status.HTTP_201_CREATED)


class MonthlyReportDetail(APIView):
    @extend_schema(responses={200: MonthlyReportSerializer})
    def get(self, request, pk: int):
        report = _report(request, pk)
        services.report_record_view(actor=request.user, report=report)
        return Response(_shown(request.user, report))

    @extend_schema(request=ReportUpdateSerializer, responses={200: MonthlyReportSerializer})
    def patch(self, request, pk: int):
        report = _report(request, pk)
        data = ReportUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                _write(request.user, report, data.validated_data)
        except services.ReportLocked as exc:
            return _locked(exc)
        return Response(_shown(request.user, report))


def _action_view(name, run, *, needs_reason=False):
    class Action(APIView):
        @extend_schema(
            request=ReasonSerializer if needs_reason else None, responses={200: MonthlyReportSerializer}
        )
        def post(self, request, pk: int):
            report = _report(request, pk)
            reason = ""
            if needs_reason:
                data = ReasonSerializer(data=request.data)
                data.is_valid(raise_exception=True)
                reason = data.validated_data["reason"]
            try:
                run(request.user, report, reason)
            except services.ReportLocked as exc:
                return _locked(exc)
            return Response(_shown(request.user, report))

    Action.__name__ = Action.__qualname__ = name
    return Action


MonthlyReportSubmit = _action_view(
    "MonthlyReportSubmit", lambda u, r, _x: services.report_submit(actor=u, report=r)
)
MonthlyReportReturn = _action_view(
    "MonthlyReportReturn",
    lambda u, r, reason: services.report_return(actor=u, report=r, reason=reason),
    needs_reason=True,
)
MonthlyReportAccept = _action_view(
    "MonthlyReportAccept", lambda u, r, _x: services.report_accept(actor=u, report=r)
)
MonthlyReportApprove = _action_view(
    "MonthlyReportApprove", lambda u, r, _x: services.report_approve(actor=u, report=r)
)
MonthlyReportUnapprove = _action_view(
    "MonthlyReportUnapprove",
    lambda u, r, reason: services.report_unapprove(actor=u, report=r, reason=reason),
    needs_reason=True,
)


class MonthlyReportCompleteness(APIView):
    """Expected, submitted, on time and the two rates for the units under ``unit`` in ``period``:
    the same selector as the completeness page."""

    @extend_schema(parameters=[CompletenessQuerySerializer], responses={200: CompletenessSerializer})
    def get(self, request):
        policy.require_permission(request.user, MANAGE_REPORTING)
        query = CompletenessQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        unit = selectors.completeness_units(user=request.user).filter(pk=query.validated_data["unit"]).first()
        if unit is None:
            raise Http404
        figures = selectors.completeness(unit=unit, period=query.validated_data["period"])
        return Response(CompletenessSerializer(figures.as_dict()).data)
