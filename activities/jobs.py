"""Periodic jobs of activities (registered from AppConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from lib.jobs import register_job

from .services import registration_offers_expire


@register_job("activities.expire_offers", timedelta(minutes=15))
def expire_offers() -> str:
    return f"{registration_offers_expire()} activity seats offered"
