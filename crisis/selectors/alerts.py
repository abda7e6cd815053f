"""Reads of the crisis domain: the alert queue, one alert with its signals and history, the counts
on the home page and the red banner, whom an alert may be given to, and the warning rules.

Which alerts a person sees is decided by ``confidentiality.policy.filter_alerts`` alone; these
functions only order, count and load related rows.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Case, Count, IntegerField, Q, Value, When

from assessments.library import available_instruments
from confidentiality import policy
from crisis.models import Alert, AlertEvent, AlertRule, CrisisCase, Level, RiskSignal
from crisis.rules import condition_phrases

# The queue's filter on state: one state, or all open ones together.
OPEN = "open"


def _visible_alerts(user) -> models.QuerySet[Alert]:
    # The policy's filter joins the alert's history (escalations) and so needs DISTINCT; reading
    # through ``pk__in`` keeps counts and ordering on the alerts themselves.
    return Alert.objects.filter(pk__in=policy.filter_alerts(user, Alert.objects.all()).values("pk"))


def _level_rank() -> Case:
    return Case(
        When(level=Level.RED, then=Value(3)),
        When(level=Level.ORANGE, then=Value(2)),
        When(level=Level.YELLOW, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def alert_queue(*, user, state: str = "", level: str = "") -> models.QuerySet[Alert]:
    """The alerts this person sees: open ones first, the most severe on top, then the nearest
    deadline; resolved and closed ones after them, newest first."""
    alerts = _visible_alerts(user)
    if state == OPEN:
        alerts = alerts.filter(state__in=Alert.OPEN_STATES)
    elif state:
        alerts = alerts.filter(state=state)
    if level:
        alerts = alerts.filter(level=level)
    is_open = Case(
        When(state__in=Alert.OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        alerts.annotate(closed_rank=is_open, level_rank=_level_rank())
        .select_related("resident", "owner", "org_unit")
        .order_by("closed_rank", "-level_rank", "respond_by", "-opened_at", "pk")
    )


def open_alerts(*, user) -> models.QuerySet[Alert]:
    """Open alerts this person sees (the home page's counts and the navigation's)."""
    return _visible_alerts(user).filter(state__in=Alert.OPEN_STATES)


def open_alert_counts(*, user) -> dict[str, int]:
    """Open alerts this person sees, by level, and the red ones nobody has acknowledged yet."""
    counts = open_alerts(user=user).aggregate(
        red=Count("pk", filter=Q(level=Level.RED)),
        orange=Count("pk", filter=Q(level=Level.ORANGE)),
        yellow=Count("pk", filter=Q(level=Level.YELLOW)),
        red_new=Count("pk", filter=Q(level=Level.RED, state=Alert.State.NEW)),
    )
    counts["total"] = counts["red"] + counts["orange"] + counts["yellow"]
    return counts


def red_alerts_waiting(*, user) -> int:
    """Red alerts this person sees that nobody has acknowledged: the banner on every page."""
    return _visible_alerts(user).filter(level=Level.RED, state=Alert.State.NEW).count()


def alert_for_page(*, user, pk) -> Alert:
    """One alert the person sees, or 404 (missing and forbidden alike, refusals audited)."""
    queryset = Alert.objects.select_related("resident", "org_unit", "owner", "rule", "acknowledged_by")
    return policy.fetch_or_404(user, Alert, queryset=queryset, pk=pk)


def alert_history(*, alert: Alert) -> models.QuerySet[AlertEvent]:
    return alert.events.select_related("by", "to_user", "rule", "signal").order_by("at", "pk")


def alert_signals(*, alert: Alert) -> list[RiskSignal]:
    """The signals that raised the alert or were merged into it, oldest first, each with its band
    and flags named for a person (``band_label``, ``flag_names``)."""
    from assessments.labels import signal_labels

    signals = list(
        RiskSignal.objects.filter(alert_events__alert=alert)
        .select_related("assessment", "reported_by")
        .distinct()
        .order_by("created_at", "pk")
    )
    for signal in signals:
        signal.band_label, signal.flag_names = signal_labels(signal)
    return signals


def alert_actions(alert: Alert) -> tuple[str, ...]:
    """What the alert's page offers: its state's actions (Alert.ACTIONS), without closing while
    its crisis case is open (the case closes it after the review)."""
    actions = Alert.ACTIONS.actions(alert)
    if (
        "close" in actions
        and CrisisCase.objects.filter(alert=alert).exclude(status=CrisisCase.Status.CLOSED).exists()
    ):
        actions = tuple(action for action in actions if action != "close")
    return actions


def alert_owner_choices(*, alert: Alert) -> models.QuerySet:
    """Whom the alert can be given to: the staff the policy lets handle it, by name."""
    return policy.filter_alert_handlers(alert, get_user_model().objects.all()).order_by(
        "full_name", "username"
    )


def rules_described(rules: list[AlertRule]) -> list[AlertRule]:
    """The rules, each with ``phrases``: its condition in words (one query for the uploads)."""
    instruments = available_instruments()
    for rule in rules:
        rule.phrases = condition_phrases(rule.condition or {}, instruments=instruments)
    return rules


def rules_by_source() -> list[tuple[str, str, list[AlertRule]]]:
    """Every warning rule, grouped by the source of the signals it reads: (source, label, rules),
    each described in words."""
    rules = rules_described(list(AlertRule.objects.select_related("updated_by").order_by("source", "code")))
    return [
        (value, label, [rule for rule in rules if rule.source == value])
        for value, label in AlertRule.Source.choices
        if any(rule.source == value for rule in rules)
    ]
