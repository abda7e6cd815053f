"""API shapes of alerts and warning signals (CRI-1, CRI-2). Input validation only: the rules are in
crisis.services, and ids in requests are resolved by the views under the policy."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crisis.models import Alert, Level
from crisis.selectors.alerts import OPEN
from lib.api import id_field

STATE_FILTERS = [(OPEN, _("Open (new, acknowledged or intervening)")), *Alert.State.choices]
NOTE_MAX = 4000


class AlertFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=STATE_FILTERS, required=False)
    level = serializers.ChoiceField(choices=Level.choices, required=False)


class AlertSerializer(serializers.Serializer):
    """One alert in the queue: who, how urgent, who has it, and by when someone must answer."""

    id = serializers.IntegerField()
    level = serializers.CharField()
    state = serializers.CharField()
    source = serializers.CharField()
    resident = serializers.IntegerField(source="resident_id", allow_null=True)
    resident_name = serializers.SerializerMethodField(help_text=_("Empty for an anonymous person."))
    org_unit = serializers.IntegerField(source="org_unit_id")
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    opened_at = serializers.DateTimeField()
    respond_by = serializers.DateTimeField()
    escalation_stage = serializers.IntegerField(
        help_text=_("0: not escalated; 1: to the duty supervisor; 2: to the director.")
    )
    acknowledged_at = serializers.DateTimeField(allow_null=True)

    def get_resident_name(self, alert) -> str:
        return alert.resident.name if alert.resident_id else ""


class AlertEventSerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.IntegerField(source="by_id", allow_null=True)
    to_user = serializers.IntegerField(source="to_user_id", allow_null=True)
    from_level = serializers.CharField(allow_blank=True)
    to_level = serializers.CharField(allow_blank=True)
    signal = serializers.IntegerField(source="signal_id", allow_null=True)
    note = serializers.CharField(allow_blank=True)


class AlertDetailSerializer(AlertSerializer):
    """The alert with its history; reading it is written to the audit log."""

    subject_note = serializers.CharField(allow_blank=True, help_text=_("About an unregistered person."))
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id", allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    outcome_note = serializers.CharField(allow_blank=True)
    events = AlertEventSerializer(many=True, source="history")


class AlertAssignSerializer(serializers.Serializer):
    owner = id_field(help_text=_("The user id of the new owner: clinical staff who can handle the alert."))
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class SignalCreateSerializer(serializers.Serializer):
    """A warning signal from another system (e.g. a kiosk): about a registered resident the caller
    sees, or about someone described in ``subject_note``."""

    resident = id_field(required=False, allow_null=True, default=None)
    subject_note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Who the person is, when they are not registered (or not known to the caller)."),
    )
    flags = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, required=False, default=list
    )
    band = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    urgent = serializers.BooleanField(required=False, default=False)
    immediate_danger = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("resident") is None and not attrs.get("subject_note", "").strip():
            raise serializers.ValidationError(
                {"subject_note": [_("Give the resident's id, or say who the person is.")]}
            )
        return attrs


class SignalCreatedSerializer(serializers.Serializer):
    signal = serializers.IntegerField(help_text=_("The id of the signal recorded."))
    alert_raised = serializers.BooleanField(
        help_text=_("Whether a warning rule matched: an alert was raised, or an open one was joined.")
    )
    alert = AlertSerializer(
        allow_null=True,
        help_text=_("The alert, only if the caller may see it under the policy; otherwise null."),
    )
