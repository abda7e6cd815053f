"""REST endpoints of activities under /api/v1/ (listed in api/urls.py): the same policy,
selectors and services as the staff pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from confidentiality import policy
from confidentiality.services import audit_list_read, audit_record

from . import services
from .models import Activity, Registration
from .permissions import MANAGE_ACTIVITIES
from .selectors import activities_for_list, activity_for_page, roster, with_counts
from .serializers import (
    ActivityCreateSerializer,
    ActivityDetailSerializer,
    ActivitySerializer,
    RegistrationCreateSerializer,
    RegistrationSerializer,
)

REFUSED = OpenApiResponse(description="Refused by the rules: the messages say why, in Chinese.")
NOT_FOUND = OpenApiResponse(description="Missing, or out of the caller's reach (the same answer).")


def _activity(request, pk) -> Activity:
    policy.require_permission(request.user, MANAGE_ACTIVITIES)
    activity = activity_for_page(user=request.user, pk=pk)
    if not policy.can_manage_activity(request.user, activity):
        raise Http404
    return activity


def _detail(activity: Activity) -> Response:
    fresh = with_counts(Activity.objects.filter(pk=activity.pk)).get()
    return Response(ActivityDetailSerializer(fresh).data)


class ActivityListCreate(generics.GenericAPIView):
    serializer_class = ActivitySerializer

    @extend_schema(responses=ActivitySerializer(many=True))
    def get(self, request):
        policy.require_permission(request.user, MANAGE_ACTIVITIES)
        page = self.paginate_queryset(activities_for_list(user=request.user))
        audit_list_read(
            actor=request.user, object_type="activities.activity", page="api", ids=[a.pk for a in page]
        )
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    @extend_schema(request=ActivityCreateSerializer, responses={201: ActivityDetailSerializer, 400: REFUSED})
    def post(self, request):
        policy.require_permission(request.user, MANAGE_ACTIVITIES)
        data = ActivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_create(actor=request.user, **data.validated_data)
        response = _detail(activity)
        response.status_code = status.HTTP_201_CREATED
        return response


class ActivityDetail(APIView):
    @extend_schema(responses={200: ActivityDetailSerializer, 404: NOT_FOUND})
    def get(self, request, pk: int):
        return _detail(_activity(request, pk))


class ActivityRegistrations(generics.GenericAPIView):
    """The activity's roster (seat holders, waiting list, requests, the rest), and registration
    by phone or at the door."""

    serializer_class = RegistrationSerializer
    pagination_class = None

    @extend_schema(responses={200: RegistrationSerializer(many=True), 404: NOT_FOUND})
    def get(self, request, pk: int):
        activity = _activity(request, pk)
        people = roster(activity)
        rows = people["confirmed"] + people["waiting"] + people["requested"] + people["others"]
        audit_record(
            actor=request.user, action="activity.roster_viewed", obj=activity, details={"via": "api"}
        )
        return Response(RegistrationSerializer(rows, many=True).data)

    @extend_schema(
        request=RegistrationCreateSerializer,
        responses={201: RegistrationSerializer, 400: REFUSED, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        activity = _activity(request, pk)
        data = RegistrationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_create(
            actor=request.user, activity=activity, **data.validated_data
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


def _registration(request, pk) -> Registration:
    policy.require_permission(request.user, MANAGE_ACTIVITIES)
    registration = policy.fetch_or_404(
        request.user,
        Registration,
        queryset=Registration.objects.select_related("activity__site__org_unit"),
        pk=pk,
    )
    if not policy.can_manage_activity(request.user, registration.activity):
        raise Http404
    return registration


class RegistrationCancel(APIView):
    @extend_schema(request=None, responses={200: RegistrationSerializer, 400: REFUSED, 404: NOT_FOUND})
    def post(self, request, pk: int):
        registration = services.registration_cancel(
            actor=request.user, registration=_registration(request, pk)
        )
        return Response(RegistrationSerializer(registration).data)


class RegistrationCheckIn(APIView):
    """Idempotent: checking in twice is one attendance."""

    @extend_schema(request=None, responses={200: RegistrationSerializer, 400: REFUSED, 404: NOT_FOUND})
    def post(self, request, pk: int):
        registration = services.registration_check_in(
            actor=request.user, registration=_registration(request, pk), via="api"
        )
        return Response(RegistrationSerializer(registration).data)
