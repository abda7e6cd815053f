"""REST endpoints of this app under /api/v1/ (listed in api/urls.py): supervision sessions and
their recommendations, with the recommendations' actions, under the same policy, selectors and
services as the pages. A discussed case gives its client (and id) only to the case's team."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.api import ErrorSerializer
from workflow.models import Case

from . import selectors, services
from .permissions import RECORD_SUPERVISION
from .serializers import (
    DeclineSerializer,
    RecommendationCreateSerializer,
    RecommendationSerializer,
    SupervisionSessionCreateSerializer,
    SupervisionSessionSerializer,
)

FORBIDDEN = OpenApiResponse(ErrorSerializer, description="The role may not do this.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such record, or not one the caller may see.")
FIELD_ERRORS = OpenApiResponse(description="Field errors, in words.")


def _cases_for(user, sessions) -> dict:
    return selectors.discussed_cases_of(user=user, sessions=list(sessions))


def _people(pks, *, field: str) -> list[User]:
    people = list(User.objects.filter(pk__in=pks))
    if len(people) != len(set(pks)):
        raise ValidationError({field: _("Some of the people named do not exist.")})
    return people


class SessionListCreate(generics.GenericAPIView):
    serializer_class = SupervisionSessionSerializer

    @extend_schema(responses={200: SupervisionSessionSerializer(many=True), 403: FORBIDDEN})
    def get(self, request):
        policy.require_permission(request.user, RECORD_SUPERVISION)
        page = self.paginate_queryset(selectors.sessions_for(user=request.user))
        audit_list_read(
            actor=request.user,
            object_type="supervision.supervisionsession",
            page="api",
            ids=[s.pk for s in page],
        )
        context = {"cases": _cases_for(request.user, page)}
        return self.get_paginated_response(
            SupervisionSessionSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        request=SupervisionSessionCreateSerializer,
        responses={201: SupervisionSessionSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN},
    )
    def post(self, request):
        policy.require_permission(request.user, RECORD_SUPERVISION)
        data = SupervisionSessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        supervisor_pk = values.pop("supervisor")
        supervisor = _people([supervisor_pk], field="supervisor")[0] if supervisor_pk else None
        attendees = _people(values.pop("attendees"), field="attendees")
        case_pks = values.pop("cases")
        cases = list(Case.objects.filter(pk__in=case_pks))
        if len(cases) != len(set(case_pks)):
            raise ValidationError(
                {"cases": _("One of the cases is not one you may see: it cannot be discussed here.")}
            )
        session = services.supervision_session_record(
            actor=request.user, supervisor=supervisor, attendees=attendees, cases=cases, **values
        )
        context = {"cases": _cases_for(request.user, [session])}
        return Response(
            SupervisionSessionSerializer(session, context=context).data, status=status.HTTP_201_CREATED
        )


class SessionDetail(APIView):
    @extend_schema(responses={200: SupervisionSessionSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        policy.require_permission(request.user, RECORD_SUPERVISION)
        session = selectors.session_for_page(user=request.user, pk=pk)
        services.supervision_session_record_view(actor=request.user, session=session)
        context = {"cases": _cases_for(request.user, [session])}
        return Response(SupervisionSessionSerializer(session, context=context).data)


class RecommendationListCreate(generics.GenericAPIView):
    serializer_class = RecommendationSerializer

    @extend_schema(responses={200: RecommendationSerializer(many=True), 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int):
        policy.require_permission(request.user, RECORD_SUPERVISION)
        session = selectors.session_for_page(user=request.user, pk=pk)
        page = self.paginate_queryset(selectors.recommendations_of(user=request.user, session=session))
        audit_list_read(
            actor=request.user, object_type="supervision.recommendation", page="api", ids=[r.pk for r in page]
        )
        return self.get_paginated_response(RecommendationSerializer(page, many=True).data)

    @extend_schema(
        request=RecommendationCreateSerializer,
        responses={201: RecommendationSerializer, 400: FIELD_ERRORS, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        policy.require_permission(request.user, RECORD_SUPERVISION)
        session = selectors.session_for_page(user=request.user, pk=pk)
        if not policy.can_add_recommendation(request.user, session):
            raise Http404
        data = RecommendationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        owner = User.objects.filter(pk=values.pop("owner")).first()
        recommendation = services.recommendation_add(
            actor=request.user, session=session, owner=owner, **values
        )
        return Response(RecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED)


def _recommendation(request, session_pk: int, pk: int):
    policy.require_permission(request.user, RECORD_SUPERVISION)
    recommendation = selectors.recommendation_for_page(user=request.user, pk=pk)
    if recommendation.session_id != session_pk:
        raise Http404
    return recommendation


class RecommendationDetail(APIView):
    @extend_schema(responses={200: RecommendationSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, pk: int, recommendation_pk: int):
        return Response(RecommendationSerializer(_recommendation(request, pk, recommendation_pk)).data)


class _Decision(APIView):
    def _decided(self, request, pk: int, recommendation_pk: int):
        recommendation = _recommendation(request, pk, recommendation_pk)
        if not policy.can_decide_recommendation(request.user, recommendation):
            return None
        return recommendation


class RecommendationComplete(_Decision):
    @extend_schema(request=None, responses={200: RecommendationSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND})
    def post(self, request, pk: int, recommendation_pk: int):
        recommendation = self._decided(request, pk, recommendation_pk)
        if recommendation is None:
            raise Http404
        recommendation = services.recommendation_complete(actor=request.user, recommendation=recommendation)
        return Response(RecommendationSerializer(recommendation).data)


class RecommendationDecline(_Decision):
    @extend_schema(
        request=DeclineSerializer,
        responses={200: RecommendationSerializer, 400: FIELD_ERRORS, 404: NOT_FOUND},
    )
    def post(self, request, pk: int, recommendation_pk: int):
        recommendation = self._decided(request, pk, recommendation_pk)
        if recommendation is None:
            raise Http404
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recommendation = services.recommendation_decline(
            actor=request.user, recommendation=recommendation, reason=data.validated_data["reason"]
        )
        return Response(RecommendationSerializer(recommendation).data)
