"""API shapes of the organisation tree. Input validation only: the rules are in orgs.services."""

from rest_framework import serializers

from orgs.models import OrgUnit, UnitKind


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
