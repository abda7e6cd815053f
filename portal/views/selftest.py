"""The public online self-test (ASM-4): mobile-first, no login, consent first, nothing lost."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from archives.models import Resident
from assessments.forms import AnswerForm
from assessments.labels import band_label, flag_labels
from assessments.library import get_instrument
from assessments.models import Campaign, CampaignResponse
from core.selectors import centre_profile
from lib.request_context import client_ip_from_request
from screening import services as campaigns
from screening.forms import IdentifyForm

SESSION_KEY = "selftest"


def _state(request, campaign: Campaign) -> dict | None:
    state = request.session.get(SESSION_KEY)
    return state if state and state.get("campaign") == campaign.pk else None


@require_http_methods(["GET", "POST"])
def selftest_start(request, token: str):
    campaign = get_object_or_404(Campaign, token=token)
    problem = campaigns.campaign_open_problem(campaign)
    if problem:
        return render(
            request,
            "portal/selftest/closed.html",
            {"campaign": campaign, "problem": problem},
            status=410,
        )
    form = IdentifyForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        resident = None
        try:
            if campaign.identification != Campaign.Identification.ANONYMOUS:
                resident = campaigns.identify(
                    campaign=campaign,
                    name=form.cleaned_data["name"],
                    id_number=form.cleaned_data.get("id_number", ""),
                    student_number=form.cleaned_data.get("student_number", ""),
                    client_ip=client_ip_from_request(request),
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[SESSION_KEY] = {
                "campaign": campaign.pk,
                "resident": resident.pk if resident else None,
                "key": secrets.token_urlsafe(24),
                "done": {},
                # The form collected the agreement; the service records it with the sitting.
                "consent": campaigns.SelfTestConsent.now(agreed=form.cleaned_data["consent"]).as_session(),
            }
            return redirect("portal:selftest_step", token=token)
    texts = campaigns.selftest_consent_texts()
    return render(
        request,
        "portal/selftest/start.html",
        {"campaign": campaign, "form": form, "texts": texts, "centre": centre_profile()},
    )


@require_http_methods(["GET", "POST"])
def selftest_step(request, token: str):
    campaign = get_object_or_404(Campaign, token=token)
    state = _state(request, campaign)
    if state is None:
        return redirect("portal:selftest_start", token=token)
    code = campaigns.next_instrument(campaign, state["done"])
    if code is None:
        return redirect("portal:selftest_finish", token=token)
    instrument = get_instrument(code)
    prefill = campaigns.funnel_prefill(code, state["done"])
    initial = {f"item_{n}": str(a) for n, a in prefill.items() if a is not None}
    form = AnswerForm(request.POST or None, instrument=instrument, initial=initial)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        if any(answer is None for answer in answers):
            form.add_error(None, _unanswered_message())
        else:
            state["done"][code] = answers
            request.session[SESSION_KEY] = state
            return redirect("portal:selftest_step", token=token)
    language = request.LANGUAGE_CODE
    return render(
        request,
        "portal/selftest/step.html",
        {
            "campaign": campaign,
            "instrument": instrument,
            "name": instrument.text("name", language),
            "instructions": instrument.text("instructions", language),
            "form": form,
            "step": len(state["done"]) + 1,
            "storage_key": f"xq-selftest-{state['key']}-{code}",
        },
    )


def _unanswered_message():
    return gettext("Please answer every question; you can choose the answer closest to how you feel.")


@require_http_methods(["GET", "POST"])
def selftest_finish(request, token: str):
    """Confirm and submit; a second submit of the same sitting shows the stored result."""
    campaign = get_object_or_404(Campaign, token=token)
    state = _state(request, campaign)
    if state is None:
        return redirect("portal:selftest_start", token=token)
    if request.method == "POST":
        key = request.POST.get("key", "")
        stored = CampaignResponse.objects.filter(idempotency_key=key, campaign=campaign).first()
        if stored is None:
            if key != state["key"] or campaigns.next_instrument(campaign, state["done"]) is not None:
                return redirect("portal:selftest_step", token=token)
            resident = Resident.objects.filter(pk=state["resident"]).first() if state["resident"] else None
            try:
                campaigns.selftest_submit(
                    campaign=campaign,
                    resident=resident,
                    answers=state["done"],
                    idempotency_key=key,
                    consent=campaigns.SelfTestConsent.from_session(state.get("consent")),
                )
            except ValidationError as exc:
                return render(
                    request,
                    "portal/selftest/closed.html",
                    {"campaign": campaign, "problem": " ".join(exc.messages)},
                )
        return redirect("portal:selftest_result", token=token, key=key)
    return render(request, "portal/selftest/finish.html", {"campaign": campaign, "key": state["key"]})


@require_http_methods(["GET"])
def selftest_result(request, token: str, key: str):
    campaign = get_object_or_404(Campaign, token=token)
    response = get_object_or_404(CampaignResponse, campaign=campaign, idempotency_key=key)
    state = _state(request, campaign)
    if state is None or state.get("key") != key:
        # The result belongs to whoever took the test in this browser session, nobody else.
        return redirect("portal:selftest_start", token=token)
    rows = []
    for assessment in response.assessments.order_by("pk"):
        instrument = get_instrument(assessment.instrument_code)
        rows.append(
            {
                "name": instrument.text("name", request.LANGUAGE_CODE),
                "assessment": assessment,
                "band": band_label(instrument, assessment.band),
                "flags": flag_labels(assessment.flags),
            }
        )
    needs_care = any(row["assessment"].severe or row["assessment"].flags for row in rows)
    return render(
        request,
        "portal/selftest/result.html",
        {
            "campaign": campaign,
            "rows": rows,
            "needs_care": needs_care,
            "centre": centre_profile(),
            "key": key,
        },
    )
