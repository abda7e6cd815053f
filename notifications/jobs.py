"""Periodic jobs of the outbox (registered from AppConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from lib.jobs import register_job

from .services import notifications_retry_failed


@register_job("notifications.retry", timedelta(minutes=10))
def retry_notifications() -> str:
    return f"{notifications_retry_failed()} notifications delivered on retry"
