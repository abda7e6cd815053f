"""Issue 18 #8: 待确认 and 已确认 badges looked the same. Each appointment status has its own style,
and the list, the page and the calendar use it."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from workflow.models import Appointment

CSS = Path(settings.BASE_DIR, "static", "css", "xinqiao.css").read_text(encoding="utf-8")


def _rule(status: str) -> str:
    match = re.search(r"\.badge\.status-" + status + r"\s*\{([^}]*)\}", CSS)
    assert match, status
    return " ".join(match.group(1).split())


def test_every_appointment_status_has_a_badge_style_of_its_own():
    rules = {status: _rule(status) for status in Appointment.Status.values}
    assert len(set(rules.values())) == len(rules)


def test_waiting_and_confirmed_differ_by_more_than_colour():
    assert "dashed" in _rule("requested") and "dashed" not in _rule("confirmed")


def test_the_calendar_shows_the_status_as_a_badge():
    template = Path(settings.BASE_DIR, "workflow", "templates", "workflow", "appointments", "calendar.html")
    assert 'class="badge status-{{ block.appointment.status }}"' in template.read_text(encoding="utf-8")
