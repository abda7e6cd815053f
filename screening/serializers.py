"""Serializers of the public self-test API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessments.serializers import AnswerField


class SelfTestSubmitSerializer(serializers.Serializer):
    consent = serializers.BooleanField(help_text=_("Must be true: the person agreed to the consent texts."))
    idempotency_key = serializers.RegexField(r"^[A-Za-z0-9_-]{8,64}$")
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    student_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    answers = serializers.DictField(
        child=serializers.ListField(child=AnswerField(allow_null=True), max_length=200),
        help_text=_("Answers per instrument code, e.g. {'phq2': [2, 1]}."),
    )

    def validate_consent(self, value):
        if not value:
            raise serializers.ValidationError(_("Please read and agree to the consent before you start."))
        return value


class SelfTestResultSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    valid = serializers.BooleanField()
    total = serializers.FloatField(allow_null=True)
    band = serializers.CharField(allow_blank=True)
    flags = serializers.ListField(child=serializers.CharField())


class SelfTestResponseSerializer(serializers.Serializer):
    stored = serializers.BooleanField(
        help_text=_("False when the same idempotency key was submitted before.")
    )
    needs_care = serializers.BooleanField()
    hotline = serializers.CharField(allow_blank=True)
    results = SelfTestResultSerializer(many=True)
