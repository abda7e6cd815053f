"""Reads of satisfaction feedback (SVC-7)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now

from confidentiality import policy
from workflow.models import SatisfactionSurvey

ANSWERED, WAITING, EXPIRED = "answered", "waiting", "expired"


def _with_state(queryset):
    return queryset.annotate(
        state=models.Case(
            models.When(answered_at__isnull=False, then=models.Value(ANSWERED)),
            models.When(expires_at__lte=Now(), then=models.Value(EXPIRED)),
            default=models.Value(WAITING),
            output_field=models.CharField(),
        )
    )


def satisfaction_surveys_for(*, user, channel: str = "", state: str = "") -> models.QuerySet:
    """The surveys this person may see, newest first, each with its ``state`` (answered, waiting
    or expired)."""
    rows = _with_state(policy.filter_satisfaction_surveys(user, SatisfactionSurvey.objects.all()))
    if channel:
        rows = rows.filter(channel=channel)
    if state:
        rows = rows.filter(state=state)
    # The case's counsellor and the client's unit answer can_work_on_case without more queries.
    return rows.select_related(
        "case__counsellor", "case__resident__org_unit", "appointment", "resident", "counsellor", "entered_by"
    ).order_by("-created_at", "-pk")


def satisfaction_rows_with_offers(*, user, surveys) -> list:
    """The page's surveys, each with ``offers``: ``qr`` for a waiting link, ``renew`` for an
    expired link of a case — only where the person may collect feedback for the service."""
    surveys = list(surveys)
    links = [survey for survey in surveys if survey.channel == SatisfactionSurvey.Channel.LINK]
    collectable = policy.satisfaction_collectable_ids(user, links)
    for survey in surveys:
        survey.offers = set()
        if survey.pk in collectable and survey.state == WAITING:
            survey.offers.add("qr")
        if survey.pk in collectable and survey.state == EXPIRED and survey.case_id:
            survey.offers.add("renew")
    return surveys


def satisfaction_summary(queryset) -> dict:
    """Average rating of the answers, and the share of online links that were answered (paper
    feedback is an answer by definition, so it is left out of the rate)."""
    link = models.Q(channel=SatisfactionSurvey.Channel.LINK)
    totals = queryset.order_by().aggregate(
        average=models.Avg("rating", filter=models.Q(answered_at__isnull=False)),
        answers=models.Count("pk", filter=models.Q(answered_at__isnull=False)),
        links=models.Count("pk", filter=link),
        links_answered=models.Count("pk", filter=link & models.Q(answered_at__isnull=False)),
    )
    links = totals["links"]
    return {
        "average": round(totals["average"], 1) if totals["average"] is not None else None,
        "answers": totals["answers"],
        "links": links,
        "links_answered": totals["links_answered"],
        "answer_rate": round(100 * totals["links_answered"] / links) if links else None,
    }
