"""REST endpoints of this app under /api/v1/ (listed in api/urls.py), under the same policy,
selectors and services as the staff pages."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_list_read, audit_record
from orgs.models import OrgUnit

from . import selectors, services
from .models import GroupProgramme, GroupSession
from .serializers import (
    GroupAttendanceRowSerializer,
    GroupAttendanceSerializer,
    GroupMemberAddSerializer,
    GroupMemberSerializer,
    GroupOutcomeQuerySerializer,
    GroupProgrammeCreateSerializer,
    GroupProgrammeSerializer,
    GroupSessionSerializer,
)


def _programme(request, pk) -> GroupProgramme:
    # The same annotated rows as the list, so the detail's sessions_held is the real count.
    queryset = selectors.programmes_for(request.user).prefetch_related("leaders")
    return policy.fetch_or_404(request.user, GroupProgramme, queryset=queryset, pk=pk)


def _led(request, pk) -> GroupProgramme:
    programme = _programme(request, pk)
    if not policy.can_lead_group(request.user, programme):
        raise Http404
    return programme


class GroupListCreate(generics.GenericAPIView):
    """Groups the caller leads, and for report readers the groups in their scope."""

    serializer_class = GroupProgrammeSerializer

    @extend_schema(responses=GroupProgrammeSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.programmes_for(request.user).prefetch_related("leaders"))
        audit_list_read(
            actor=request.user,
            object_type="groupcounselling.groupprogramme",
            page="api",
            ids=[p.pk for p in page],
        )
        return self.get_paginated_response(GroupProgrammeSerializer(page, many=True).data)

    @extend_schema(request=GroupProgrammeCreateSerializer, responses={201: GroupProgrammeSerializer})
    def post(self, request):
        data = GroupProgrammeCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        unit = OrgUnit.objects.filter(pk=values.pop("org_unit")).first()
        if unit is None:
            return Response(
                {"org_unit": [_("Choose a unit in your scope.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        leader_ids = set(values.pop("leaders"))
        leaders = list(User.objects.filter(pk__in=leader_ids))
        if len(leaders) != len(leader_ids):
            # An unknown id is refused, not dropped: the group would start without that co-leader.
            return Response(
                {"leaders": [_("Leaders are chosen from counselling staff in your scope.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        programme = services.programme_create(actor=request.user, org_unit=unit, leaders=leaders, **values)
        return Response(GroupProgrammeSerializer(programme).data, status=status.HTTP_201_CREATED)


class GroupDetail(APIView):
    @extend_schema(responses=GroupProgrammeSerializer)
    def get(self, request, pk: int):
        return Response(GroupProgrammeSerializer(_programme(request, pk)).data)


class GroupMembers(APIView):
    """The group's members (leaders only); POST adds a resident as a candidate."""

    @extend_schema(responses=GroupMemberSerializer(many=True))
    def get(self, request, pk: int):
        programme = _led(request, pk)
        members = list(selectors.member_rows(programme))
        audit_list_read(
            actor=request.user,
            object_type="groupcounselling.groupmember",
            page="api",
            ids=[m.pk for m in members],
        )
        return Response(GroupMemberSerializer(members, many=True).data)

    @extend_schema(request=GroupMemberAddSerializer, responses={201: GroupMemberSerializer})
    def post(self, request, pk: int):
        programme = _led(request, pk)
        data = GroupMemberAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        resident = policy.fetch_or_404(request.user, Resident, pk=data.validated_data["resident"])
        member = services.member_add(actor=request.user, programme=programme, resident=resident)
        member.attended = 0
        return Response(GroupMemberSerializer(member).data, status=status.HTTP_201_CREATED)


class GroupSessions(APIView):
    @extend_schema(responses=GroupSessionSerializer(many=True))
    def get(self, request, pk: int):
        programme = _led(request, pk)
        return Response(GroupSessionSerializer(programme.sessions.order_by("number"), many=True).data)


class SessionAttendance(APIView):
    """A session's register: POST or PUT the marks; saving again changes them and never writes a
    second session record."""

    def _session(self, request, pk):
        return policy.fetch_or_404(
            request.user, GroupSession, queryset=GroupSession.objects.select_related("programme"), pk=pk
        )

    @extend_schema(responses=GroupAttendanceRowSerializer(many=True))
    def get(self, request, pk: int):
        session = self._session(request, pk)
        rows = list(session.attendances.order_by("member_id"))
        # The register names members: read like the member list, it is written down the same way.
        audit_list_read(
            actor=request.user,
            object_type="groupcounselling.groupmember",
            page="api_group_session",
            ids=[row.member_id for row in rows],
        )
        return Response(GroupAttendanceRowSerializer(rows, many=True).data)

    def _save(self, request, pk, code):
        session = self._session(request, pk)
        data = GroupAttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marks = {row["member"]: row["mark"] for row in data.validated_data["marks"]}
        saved = services.attendance_record(actor=request.user, session=session, marks=marks)
        return Response(GroupAttendanceRowSerializer(saved, many=True).data, status=code)

    @extend_schema(
        request=GroupAttendanceSerializer, responses={201: GroupAttendanceRowSerializer(many=True)}
    )
    def post(self, request, pk: int):
        return self._save(request, pk, status.HTTP_201_CREATED)

    @extend_schema(request=GroupAttendanceSerializer, responses=GroupAttendanceRowSerializer(many=True))
    def put(self, request, pk: int):
        return self._save(request, pk, status.HTTP_200_OK)


def _population(report, counts: dict) -> dict:
    figures = report.figures()
    figures["n_paired"] = counts["n_paired"]
    return figures | {
        "enough": report.enough,
        "pre_mean": report.pre_mean,
        "pre_sd": report.pre_sd,
        "post_mean": report.post_mean,
        "post_sd": report.post_sd,
        "change_ci_low": report.change_ci_low,
        "change_ci_high": report.change_ci_high,
        "df": report.df,
        **{name: value for name, value in counts.items() if name != "n_paired"},
    }


class GroupOutcome(APIView):
    """The outcome figures of one instrument (``?instrument=phq9``; the primary one by default):
    all enrolled at the top level, completers under ``completers``; ``members`` (scores and
    reliable-change class) only for those allowed to see individual scores."""

    @extend_schema(parameters=[GroupOutcomeQuerySerializer], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        programme = _programme(request, pk)
        if not policy.can_view_group_report(request.user, programme):
            raise Http404
        query = GroupOutcomeQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        code = query.validated_data.get("instrument") or programme.primary_instrument
        if code not in programme.instruments:
            return Response(
                {"instrument": [_("This instrument is not one of the group's.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        view = selectors.outcome_for_reader(request.user, programme, code)
        outcome = view["outcome"]
        body = {
            "instrument": code,
            "aggregates_only": view["aggregates_only"],
            "completer_threshold": outcome.completer_threshold,
            "sessions_held": outcome.sessions_held,
            **_population(outcome.enrolled, view["counts"]["enrolled"]),
            "completers": _population(outcome.completers, view["counts"]["completers"]),
        }
        if not view["aggregates_only"]:
            body["members"] = [
                {
                    "member": row.member.pk,
                    "resident": row.member.resident_id,
                    "pre": row.pre,
                    "post": row.post,
                    "change": row.change,
                    "rci": row.rci,
                    "rci_class": row.rci_class,
                    "recovered": row.recovered,
                    "completer": row.completer,
                }
                for row in view["rows"]
            ]
        audit_record(
            actor=request.user,
            action="group.report_viewed",
            obj=programme,
            details={
                "instrument": code,
                "members_shown": [row.member.pk for row in view["rows"]],
                "api": True,
            },
        )
        return Response(body)
