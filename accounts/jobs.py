"""Periodic jobs of staff accounts (registered from AppConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from lib.jobs import register_job

from .models import LoginSession


@register_job("sessions.clear_expired", timedelta(hours=1))
def clear_expired_sessions() -> str:
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    keys = list(expired.values_list("session_key", flat=True))
    LoginSession.objects.filter(session_key__in=keys).delete()
    deleted, _ = expired.delete()
    return f"{deleted} expired sessions removed"
