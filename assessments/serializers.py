"""API shapes of the instrument library, assessments and the public self-test (ASM-1, ASM-3).
Input validation only: scoring and the rules are in assessments.services and campaigns."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class InstrumentSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.CharField()
    name = serializers.DictField(child=serializers.CharField())
    item_count = serializers.IntegerField()
    response_type = serializers.CharField()
    licence = serializers.DictField(child=serializers.CharField())
    loinc = serializers.CharField(allow_null=True)


class InstrumentDetailSerializer(InstrumentSummarySerializer):
    items = serializers.ListField(child=serializers.DictField())
    options = serializers.ListField(child=serializers.DictField(), required=False)
    instructions = serializers.DictField(child=serializers.CharField(), required=False)


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["yes", "no"]}], "nullable": True}
)
class AnswerField(serializers.Field):
    """An item's answer: option points, "yes"/"no", or null for unanswered."""

    def to_internal_value(self, data):
        if data is None or (isinstance(data, int) and not isinstance(data, bool)):
            return data
        if isinstance(data, str) and data in ("yes", "no"):
            return data
        raise serializers.ValidationError(_("Answer with option points, yes, no or null."))

    def to_representation(self, value):
        return value


class AssessmentCreateSerializer(serializers.Serializer):
    resident = serializers.IntegerField(min_value=1)
    instrument = serializers.CharField(max_length=40)
    answers = serializers.ListField(child=AnswerField(allow_null=True), max_length=200)


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    resident = serializers.IntegerField(source="resident_id")
    instrument = serializers.CharField(source="instrument_code")
    instrument_version = serializers.CharField()
    administered_at = serializers.DateTimeField()
    valid = serializers.BooleanField()
    total = serializers.FloatField(allow_null=True)
    band = serializers.CharField(allow_blank=True)
    flags = serializers.ListField(child=serializers.CharField())
    subscales = serializers.DictField(child=serializers.IntegerField())
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
