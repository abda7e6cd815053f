"""Audited reads of alert lists (CONF-6): a list of alerts names people at risk, so reading one
leaves a trace: the ids shown and the filters, never names. Opening one alert is
``crisis.services.alerts.alert_record_view``."""

from __future__ import annotations

from collections.abc import Iterable

from confidentiality.services import audit_record
from crisis.models import Alert


def alerts_record_listing(*, actor, alerts: Iterable[Alert], filters: dict, page: str = "queue") -> None:
    """Which alerts a list showed (their ids) and with which filters (state, level)."""
    details = {key: str(value) for key, value in sorted(filters.items()) if value not in (None, "")}
    audit_record(
        actor=actor,
        action="alert.listed",
        object_type="crisis.alert",
        details={"page": page, "ids": [alert.pk for alert in alerts], **details},
    )
