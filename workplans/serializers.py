"""Serializers of work plans: they collect and check input; the rules are the services'."""

from __future__ import annotations

from rest_framework import serializers

from lib.api import id_field
from lib.dates import FIRST_YEAR, LAST_YEAR, BoundedDateSerializerField

from .models import Category, PlanItem, WorkPlan


class PlanItemSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.full_name", read_only=True)

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "title",
            "category",
            "owner",
            "owner_name",
            "target",
            "starts_on",
            "ends_on",
            "recurrence",
        ]
        read_only_fields = fields


class WorkPlanSerializer(serializers.ModelSerializer):
    org_unit_name = serializers.CharField(source="org_unit.name", read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "org_unit",
            "org_unit_name",
            "year",
            "term",
            "title",
            "notes",
            "status",
            "version",
            "starts_on",
            "ends_on",
        ]
        read_only_fields = fields


class WorkPlanDetailSerializer(WorkPlanSerializer):
    items = serializers.SerializerMethodField()

    class Meta(WorkPlanSerializer.Meta):
        fields = [*WorkPlanSerializer.Meta.fields, "items"]
        read_only_fields = fields

    def get_items(self, plan) -> list[dict]:
        return PlanItemSerializer(self.context["items"], many=True).data


class WorkPlanCreateSerializer(serializers.Serializer):
    org_unit = id_field()
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    term = serializers.ChoiceField(choices=WorkPlan.Term.choices)
    title = serializers.CharField(max_length=120)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class PlanItemCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=150)
    category = serializers.ChoiceField(choices=Category.choices)
    owner = id_field()
    target = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    starts_on = BoundedDateSerializerField()
    ends_on = BoundedDateSerializerField()
    recurrence = serializers.ChoiceField(
        choices=PlanItem.Recurrence.choices, default=PlanItem.Recurrence.ONCE
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class LinkSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=30)
    object_id = id_field()


class OccurrenceSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item.pk")
    item_title = serializers.CharField(source="item.title")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    state = serializers.CharField()
    links = serializers.SerializerMethodField()

    def get_links(self, occurrence) -> list[dict]:
        return [
            {"id": link.pk, "source": link.source, "object_id": link.object_id, "how": link.how}
            for link in occurrence.links
        ]


class OccurrenceLinkCreateSerializer(LinkSerializer):
    item = id_field()
    occurrence_on = BoundedDateSerializerField()


class WorkPlanReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
