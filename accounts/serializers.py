"""API shapes of tokens, the caller and staff accounts. Input validation only."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.RegexField(
        r"^[0-9]{6}$",
        required=False,
        help_text=_("Six-digit authenticator code; required for roles with two-factor authentication."),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "org_unit", "permissions"]

    def get_permissions(self, obj) -> list[str]:
        from confidentiality.policy import permissions_of

        return sorted(permissions_of(obj))


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "org_unit", "is_active"]
