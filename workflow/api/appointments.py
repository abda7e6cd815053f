"""API: appointments (SVC-1), under the same policy and services as the pages.

A double booking, an illegal move between states or a time off the grid answers 400 with the
services' own message; an appointment the caller may not see is a 404.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_list_read
from orgs.models import Room
from workflow.models import Appointment
from workflow.permissions import MANAGE_APPOINTMENTS
from workflow.selectors.appointments import bookable_counsellors, bookable_sites
from workflow.serializers.appointments import (
    AppointmentCancelSerializer,
    AppointmentConfirmSerializer,
    AppointmentCreateSerializer,
    AppointmentDetailSerializer,
    AppointmentQuerySerializer,
    AppointmentRescheduleSerializer,
    AppointmentSerializer,
)
from workflow.services import appointments as services

REFUSED = OpenApiResponse(
    description="Field errors: {field: [messages]}; a double booking names the conflict."
)


def _related(queryset):
    return queryset.select_related("site", "room", "counsellor", "resident")


def _fetch(user, pk: int) -> Appointment:
    policy.require_permission(user, MANAGE_APPOINTMENTS)
    return policy.fetch_or_404(user, Appointment, queryset=_related(Appointment.objects.all()), pk=pk)


def _counsellor(user, pk: int | None, *, field: str = "counsellor"):
    if pk is None:
        return None
    counsellor = bookable_counsellors(user=user).filter(pk=pk).first()
    if counsellor is None:
        raise serializers.ValidationError({field: [_("Choose a counsellor you may book.")]})
    return counsellor


def _room(site, pk: int | None):
    if pk is None:
        return None
    room = Room.objects.filter(pk=pk, site=site, is_active=True).first()
    if room is None:
        raise serializers.ValidationError({"room": [_("Choose an open room at this site.")]})
    return room


def _detail(appointment: Appointment, *, status_code: int = status.HTTP_200_OK) -> Response:
    return Response(AppointmentDetailSerializer(appointment).data, status=status_code)


def _local_day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class AppointmentListCreate(generics.GenericAPIView):
    """Appointments the caller may see; and registering one taken by phone, on site or by referral."""

    serializer_class = AppointmentSerializer

    @extend_schema(parameters=[AppointmentQuerySerializer], responses=AppointmentSerializer(many=True))
    def get(self, request):
        policy.require_permission(request.user, MANAGE_APPOINTMENTS)
        query = AppointmentQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        appointments = _related(policy.filter_appointments(request.user, Appointment.objects.all()))
        if "status" in filters:
            appointments = appointments.filter(status=filters["status"])
        if "site" in filters:
            appointments = appointments.filter(site_id=filters["site"])
        if "counsellor" in filters:
            appointments = appointments.filter(counsellor_id=filters["counsellor"])
        if "date_from" in filters:
            appointments = appointments.filter(starts_at__gte=_local_day_start(filters["date_from"]))
        if "date_to" in filters:
            end = _local_day_start(filters["date_to"]) + timedelta(days=1)
            appointments = appointments.filter(starts_at__lt=end)
        page = self.paginate_queryset(appointments.order_by("starts_at", "pk"))
        audit_list_read(
            actor=request.user,
            object_type="workflow.appointment",
            page="api",
            filters=filters,
            ids=[appointment.pk for appointment in page],
        )
        return self.get_paginated_response(AppointmentSerializer(page, many=True).data)

    @extend_schema(
        request=AppointmentCreateSerializer, responses={201: AppointmentDetailSerializer, 400: REFUSED}
    )
    def post(self, request):
        user = request.user
        policy.require_permission(user, MANAGE_APPOINTMENTS)
        data = AppointmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site = bookable_sites(user=user).filter(pk=values.pop("site")).first()
        if site is None:
            raise serializers.ValidationError({"site": [_("Choose a site where you may book appointments.")]})
        resident_id = values.pop("resident")
        resident = None
        if resident_id is not None:
            resident = policy.filter_residents(user, Resident.objects.filter(pk=resident_id)).first()
            if resident is None:
                raise serializers.ValidationError({"resident": [_("No resident you may see has this id.")]})
        counsellor = _counsellor(user, values.pop("counsellor"))
        room = _room(site, values.pop("room"))
        values["companion"] = _counsellor(user, values.pop("companion"), field="companion")
        appointment = services.appointment_register(
            actor=user, site=site, counsellor=counsellor, room=room, resident=resident, **values
        )
        return _detail(appointment, status_code=status.HTTP_201_CREATED)


class AppointmentDetail(APIView):
    @extend_schema(responses=AppointmentDetailSerializer)
    def get(self, request, pk: int):
        appointment = _fetch(request.user, pk)
        services.appointment_record_view(actor=request.user, appointment=appointment)
        return _detail(appointment)


class AppointmentConfirm(APIView):
    """Confirm a request with a counsellor and a room; the contact is sent the time and place."""

    @extend_schema(
        request=AppointmentConfirmSerializer, responses={200: AppointmentDetailSerializer, 400: REFUSED}
    )
    def post(self, request, pk: int):
        appointment = _fetch(request.user, pk)
        data = AppointmentConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        counsellor = _counsellor(request.user, values.pop("counsellor"))
        room = _room(appointment.site, values.pop("room"))
        companion = _counsellor(request.user, values.pop("companion"), field="companion")
        services.appointment_confirm(
            actor=request.user,
            appointment=appointment,
            counsellor=counsellor,
            room=room,
            companion=companion,
            **values,
        )
        return _detail(appointment)


class AppointmentCancel(APIView):
    @extend_schema(
        request=AppointmentCancelSerializer, responses={200: AppointmentDetailSerializer, 400: REFUSED}
    )
    def post(self, request, pk: int):
        appointment = _fetch(request.user, pk)
        data = AppointmentCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.appointment_cancel(actor=request.user, appointment=appointment, **data.validated_data)
        return _detail(appointment)


class AppointmentReschedule(APIView):
    """Move an appointment, with a reason; the history keeps where it was."""

    @extend_schema(
        request=AppointmentRescheduleSerializer, responses={200: AppointmentDetailSerializer, 400: REFUSED}
    )
    def post(self, request, pk: int):
        appointment = _fetch(request.user, pk)
        data = AppointmentRescheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        counsellor = _counsellor(request.user, values.pop("counsellor"))
        room = _room(appointment.site, values.pop("room"))
        values["companion"] = _counsellor(request.user, values.pop("companion"), field="companion")
        services.appointment_reschedule(
            actor=request.user, appointment=appointment, counsellor=counsellor, room=room, **values
        )
        return _detail(appointment)
