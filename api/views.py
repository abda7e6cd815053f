"""API v1. Each endpoint asks confidentiality.policy and calls the same services as the UI."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import MANAGE_USERS
from accounts.security import has_confirmed_device, two_factor_required
from confidentiality import policy
from confidentiality.services import audit_record
from orgs import services as org_services
from orgs.models import OrgUnit
from orgs.permissions import MANAGE_ORG_TREE, VIEW_ORG_TREE

from .serializers import (
    MeSerializer,
    OrgUnitCreateSerializer,
    OrgUnitSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserSerializer,
)


class TokenObtainView(APIView):
    """Exchange a user name and password (and a TOTP code where the role needs one) for a token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # authenticate() with the request lets django-axes count failures and lock out.
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not policy.is_active_staff(user):
            raise serializers.ValidationError(
                {"non_field_errors": [_("The user name or password is not correct.")]}
            )
        if two_factor_required(user):
            if not has_confirmed_device(user):
                raise serializers.ValidationError(
                    {"otp": [_("Set up two-factor authentication in the web interface first.")]}
                )
            code = data.validated_data.get("otp")
            if not code or match_token(user, code) is None:
                raise serializers.ValidationError(
                    {"otp": [_("A valid six-digit authenticator code is required.")]}
                )
        with transaction.atomic():
            token, _created = Token.objects.get_or_create(user=user)
            audit_record(actor=user, action="api.token_issued", obj=user)
        return Response({"token": token.key})


class TokenRevokeView(APIView):
    """Revoke the token used for this request (log out of the API)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            audit_record(actor=request.user, action="api.token_revoked", obj=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class OrgUnitListCreate(generics.GenericAPIView):
    serializer_class = OrgUnitSerializer

    def get_queryset(self):
        policy.require_permission(self.request.user, VIEW_ORG_TREE)
        return policy.filter_org_units(self.request.user, OrgUnit.objects.all()).order_by("path")

    def _context(self, units) -> dict:
        return {"ids_by_path": {unit.path: unit.pk for unit in units}}

    @extend_schema(responses=OrgUnitSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        visible_paths = dict(self.get_queryset().values_list("path", "pk"))
        serializer = OrgUnitSerializer(page, many=True, context={"ids_by_path": visible_paths})
        return self.get_paginated_response(serializer.data)

    @extend_schema(request=OrgUnitCreateSerializer, responses={201: OrgUnitSerializer})
    def post(self, request):
        policy.require_permission(request.user, MANAGE_ORG_TREE)
        data = OrgUnitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        parent_id = values.pop("parent")
        parent = policy.fetch_or_404(request.user, OrgUnit, pk=parent_id) if parent_id else None
        unit = org_services.org_unit_create(actor=request.user, parent=parent, **values)
        context = {"ids_by_path": {parent.path: parent.pk} if parent else {}}
        return Response(OrgUnitSerializer(unit, context=context).data, status=status.HTTP_201_CREATED)


class OrgUnitDetail(APIView):
    @extend_schema(responses=OrgUnitSerializer)
    def get(self, request, pk: int):
        policy.require_permission(request.user, VIEW_ORG_TREE)
        unit = policy.fetch_or_404(request.user, OrgUnit, pk=pk)
        parent_path = unit.path[: -unit.steplen]
        parent = policy.filter_org_units(request.user, OrgUnit.objects.filter(path=parent_path)).first()
        context = {"ids_by_path": {parent.path: parent.pk} if parent else {}}
        return Response(OrgUnitSerializer(unit, context=context).data)


class UserList(generics.ListAPIView):
    serializer_class = UserSerializer

    def get_queryset(self):
        if not policy.has_permission(self.request.user, MANAGE_USERS):
            raise PermissionDenied
        return policy.filter_users(self.request.user, User.objects.all()).order_by("username")


class UserDetail(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request, pk: int):
        policy.require_permission(request.user, MANAGE_USERS)
        return Response(UserSerializer(policy.fetch_or_404(request.user, User, pk=pk)).data)
