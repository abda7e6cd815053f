"""API shapes. Input validation only: the rules are in the services the views call."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from orgs.models import OrgUnit, UnitKind


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


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = ["id", "name", "kind", "code", "is_active", "depth", "parent"]

    def get_parent(self, obj) -> int | None:
        parent_path = obj.path[: -obj.steplen]
        return self.context.get("ids_by_path", {}).get(parent_path)


class OrgUnitCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=UnitKind.choices)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    parent = serializers.IntegerField(required=False, allow_null=True, default=None)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "org_unit", "is_active"]
