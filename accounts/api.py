"""API: tokens (issued and revoked by accounts.services), the caller, and staff accounts for
those who manage them, under the same policy as the pages."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services as account_services
from accounts.models import User
from accounts.permissions import MANAGE_USERS
from accounts.serializers import MeSerializer, TokenRequestSerializer, TokenResponseSerializer, UserSerializer
from confidentiality import policy


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
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("The user name or password is not correct.")]}
            )
        token = account_services.token_issue(user=user, otp=data.validated_data.get("otp"))
        return Response({"token": token.key})


class TokenRevokeView(APIView):
    """Revoke the token used for this request (log out of the API)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        account_services.token_revoke(actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


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
