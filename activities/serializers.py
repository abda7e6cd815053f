"""Serializers of the activities API (PRG-1): they collect and check input; the rules are in the
services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orgs.models import Room, ServiceSite

from .models import Activity, AudienceGroup, Registration

AUDIENCE_HELP = ", ".join(AudienceGroup.values)


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    site = serializers.IntegerField(source="site_id")
    room = serializers.IntegerField(source="room_id", allow_null=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    audience_groups = serializers.ListField(child=serializers.CharField())
    capacity = serializers.IntegerField(allow_null=True)
    waitlist = serializers.BooleanField()
    registration_mode = serializers.CharField()
    confirmed = serializers.IntegerField(source="n_confirmed", help_text=_("Registrations holding a seat."))
    waiting = serializers.IntegerField(source="n_waiting", help_text=_("People on the waiting list."))


class ActivityDetailSerializer(ActivitySerializer):
    description = serializers.CharField(allow_blank=True)
    place = serializers.CharField(allow_blank=True)
    speaker = serializers.IntegerField(source="speaker_id", allow_null=True)
    speaker_external = serializers.CharField(allow_blank=True)
    registration_opens_at = serializers.DateTimeField(allow_null=True)
    registration_closes_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField(allow_blank=True)


class ActivityCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    # Plain text, checked by the service (a choice set here would collide in the schema's enums).
    kind = serializers.CharField(max_length=30, help_text=_("lecture, workshop, broadcast, parent_school, …"))
    description = serializers.CharField(required=False, allow_blank=True, default="")
    audience_groups = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, default=list, help_text=AUDIENCE_HELP
    )
    site = serializers.PrimaryKeyRelatedField(queryset=ServiceSite.objects.all())
    room = serializers.PrimaryKeyRelatedField(queryset=Room.objects.all(), required=False, allow_null=True)
    place = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    speaker_external = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    waitlist = serializers.BooleanField(required=False, default=True)
    registration_mode = serializers.CharField(
        max_length=10, default=Activity.Mode.OPEN, help_text="none, open, approval, invite"
    )
    registration_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    registration_closes_at = serializers.DateTimeField(required=False, allow_null=True)


class RegistrationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    activity = serializers.IntegerField(source="activity_id")
    name = serializers.CharField()
    guardian_name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    audience_group = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    offer_expires_at = serializers.DateTimeField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class RegistrationCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    guardian_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    audience_group = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text=AUDIENCE_HELP
    )
    channel = serializers.CharField(
        max_length=10, default=Registration.Channel.PHONE, help_text=_("phone, or walk_in at the door")
    )

    def validate_channel(self, value):
        if value not in (Registration.Channel.PHONE, Registration.Channel.WALK_IN):
            raise serializers.ValidationError(_("Choose phone or walk_in."))
        return value
