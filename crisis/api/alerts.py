"""API: alerts and warning signals (CRI-1, CRI-2), under the same policy, selectors and services as
the staff pages. An alert out of the caller's reach is a 404, for reading and acting alike."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_list_read
from crisis.models import Alert
from crisis.permissions import HANDLE_ALERTS, RAISE_EXTERNAL_SIGNALS
from crisis.selectors import alerts as selectors
from crisis.serializers.alerts import (
    AlertAssignSerializer,
    AlertDetailSerializer,
    AlertFilterSerializer,
    AlertSerializer,
    SignalCreatedSerializer,
    SignalCreateSerializer,
)
from crisis.services import alerts as services
from crisis.services.intake import signal_raise
from lib.api import ErrorSerializer

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="The role may not do this.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such alert, or not one the caller may see.")
VALIDATION_ERROR = OpenApiResponse(description="Field errors: {field: [messages]}.")


def _alert(request, pk: int) -> Alert:
    policy.require_permission(request.user, HANDLE_ALERTS)
    return selectors.alert_for_page(user=request.user, pk=pk)


def _detail(request, alert: Alert) -> Response:
    """The alert with its history; reading it is written to the audit log."""
    alert = selectors.alert_for_page(user=request.user, pk=alert.pk)
    services.alert_record_view(actor=request.user, alert=alert)
    alert.history = list(selectors.alert_history(alert=alert))
    return Response(AlertDetailSerializer(alert).data)


class AlertList(generics.GenericAPIView):
    """The alert queue of the web interface: open alerts first, red on top, then the nearest
    deadline. The ids returned are written to the audit log."""

    serializer_class = AlertSerializer

    @extend_schema(
        parameters=[AlertFilterSerializer],
        responses={200: AlertSerializer(many=True), 400: VALIDATION_ERROR, 403: FORBIDDEN},
    )
    def get(self, request):
        policy.require_permission(request.user, HANDLE_ALERTS)
        filters = AlertFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = {
            "state": filters.validated_data.get("state", ""),
            "level": filters.validated_data.get("level", ""),
        }
        page = self.paginate_queryset(selectors.alert_queue(user=request.user, **values))
        audit_list_read(
            actor=request.user,
            object_type="crisis.alert",
            page="api",
            ids=[a.pk for a in page],
            filters=values,
        )
        return self.get_paginated_response(AlertSerializer(page, many=True).data)


class AlertDetail(APIView):
    @extend_schema(responses={200: AlertDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return _detail(request, _alert(request, pk))


class AlertAcknowledge(APIView):
    """Acknowledge a new alert: the response clock stops; an alert without owner becomes the
    caller's."""

    @extend_schema(
        request=None,
        responses={200: AlertDetailSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        alert = services.alert_acknowledge(actor=request.user, alert=_alert(request, pk))
        return _detail(request, alert)


class AlertAssign(APIView):
    """Give an open alert to another member of the clinical staff who can handle it."""

    @extend_schema(
        request=AlertAssignSerializer,
        responses={200: AlertDetailSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        alert = _alert(request, pk)
        data = AlertAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        owner = selectors.alert_owner_choices(alert=alert).filter(pk=data.validated_data["owner"]).first()
        if owner is None:
            raise serializers.ValidationError(
                {"owner": [_("Choose a member of the clinical staff who can handle this alert.")]}
            )
        alert = services.alert_assign(
            actor=request.user, alert=alert, owner=owner, note=data.validated_data["note"]
        )
        return _detail(request, alert)


class SignalCreate(APIView):
    """Send a warning signal from another system (e.g. a kiosk). The warning rules decide whether
    it raises an alert (or joins the person's open one); the answer says whether it did, and shows
    the alert only to a caller who may see it."""

    @extend_schema(
        request=SignalCreateSerializer,
        responses={201: SignalCreatedSerializer, 400: VALIDATION_ERROR, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request):
        user = request.user
        policy.require_permission(user, RAISE_EXTERNAL_SIGNALS)
        data = SignalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        resident_pk = values.pop("resident")
        resident = policy.fetch_or_404(user, Resident, pk=resident_pk) if resident_pk else None
        signal, alert = signal_raise(source="external", resident=resident, reported_by=user, **values)
        shown = None
        if alert is not None and policy.can_handle_alert(user, alert):
            shown = AlertSerializer(selectors.alert_for_page(user=user, pk=alert.pk)).data
        body = {"signal": signal.pk, "alert_raised": alert is not None, "alert": shown}
        return Response(body, status=status.HTTP_201_CREATED)
