"""System checks of the platform settings, run by `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def public_base_url_set(app_configs, **kwargs):
    """Links in messages made by background jobs (reminders, alerts, satisfaction links) cannot
    see a request; without the setting they point at 127.0.0.1, which no resident reaches."""
    if (settings.XINQIAO_PUBLIC_BASE_URL or "").strip():
        return []
    return [
        checks.Warning(
            "XINQIAO_PUBLIC_BASE_URL is not set: links in messages sent by background jobs point at "
            "http://127.0.0.1:8000.",
            hint="Set it to the address residents reach the centre at, e.g. https://xinqiao.example.org.",
            id="core.W001",
        )
    ]
