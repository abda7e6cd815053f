"""Staff-administered assessments (ASM-3), score trends (ASM-5) and the instrument library (ASM-1)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import clinical_consent_missing
from lib.forms import apply_validation_error

from . import services
from .charts import trend_svg
from .forms import AnswerForm, InstrumentPickForm, InstrumentUploadForm
from .handover import giving_context
from .labels import band_label, flag_labels
from .library import available_instruments, get_instrument
from .models import Assessment
from .permissions import ADMINISTER_ASSESSMENTS, MANAGE_CAMPAIGNS, MANAGE_INSTRUMENTS
from .scoring import AnswerError, score
from .selectors import assessment_versions, trend
from .uploads import instrument_upload


def _clinical_resident(request, pk: int) -> Resident:
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    if not policy.can_see_clinical(request.user, resident.archive):
        raise PermissionDenied
    return resident


def _instrument_or_404(code: str):
    try:
        return get_instrument(code)
    except KeyError as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def assessment_new(request, pk: int):
    policy.require_permission(request.user, ADMINISTER_ASSESSMENTS)
    resident = _clinical_resident(request, pk)
    code = request.GET.get("instrument") or request.POST.get("instrument")
    missing_consent = clinical_consent_missing(resident=resident)
    if not code:
        return render(
            request,
            "assessments/pick.html",
            {"resident": resident, "form": InstrumentPickForm(), "missing_consent": missing_consent},
        )
    instrument = _instrument_or_404(code)
    # Given within a higher domain's record (from a case: ?case=<pk>&phase=…, SVC-3): stored the
    # same way, and linked to it (assessments.handover).
    giving = giving_context(user=request.user, resident=resident, params=request.GET)
    form = AnswerForm(request.POST or None, instrument=instrument)
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            if giving is not None:
                assessment = giving.give(actor=request.user, instrument_code=instrument.code, answers=answers)
            else:
                assessment = services.assessment_record(
                    actor=request.user, resident=resident, instrument_code=instrument.code, answers=answers
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect("assessments:detail", pk=assessment.pk)
    return render(
        request,
        "assessments/answer_form.html",
        {
            "resident": resident,
            "instrument": instrument,
            "form": form,
            "missing_consent": missing_consent,
            "licence": instrument.text("licence", request.LANGUAGE_CODE),
            "name": instrument.text("name", request.LANGUAGE_CODE),
            "instructions": instrument.text("instructions", request.LANGUAGE_CODE),
        },
    )


@login_required
@require_POST
def assessment_preview(request, pk: int):
    """The running score while answers are entered (HTMX); nothing is stored."""
    policy.require_permission(request.user, ADMINISTER_ASSESSMENTS)
    resident = _clinical_resident(request, pk)
    instrument = _instrument_or_404(request.POST.get("instrument", ""))
    form = AnswerForm(request.POST, instrument=instrument)
    result = None
    if form.is_valid():
        try:
            result = score(instrument, form.answers(), resident.sex if resident.sex in ("M", "F") else None)
        except AnswerError:
            result = None
    context = {"result": result, "instrument": instrument}
    if result is not None:
        context.update(band_label=band_label(instrument, result.band), flags=flag_labels(result.flags))
    return render(request, "assessments/_result.html", context)


@login_required
@require_http_methods(["GET"])
def assessment_detail(request, pk: int):
    assessment = policy.fetch_or_404(request.user, Assessment, pk=pk)
    services.assessment_record_view(actor=request.user, assessment=assessment)
    instrument = get_instrument(assessment.instrument_code, assessment.instrument_version)
    answers = json.loads(assessment.answers)
    key = "en" if request.LANGUAGE_CODE.startswith("en") else "zh"
    rows = [
        (item["number"], item[key], answer) for item, answer in zip(instrument.items, answers, strict=False)
    ]
    is_current = not Assessment.objects.filter(supersedes=assessment).exists()
    correction = None
    if is_current and policy.has_permission(request.user, ADMINISTER_ASSESSMENTS):
        initial = {f"item_{n}": ("" if a is None else str(a)) for n, _t, a in rows}
        correction = AnswerForm(initial=initial, instrument=instrument, with_reason=True)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "instrument": instrument,
            "name": instrument.text("name", request.LANGUAGE_CODE),
            "licence": instrument.text("licence", request.LANGUAGE_CODE),
            "rows": rows,
            "versions": assessment_versions(assessment=assessment),
            "band_label": band_label(instrument, assessment.band),
            "flags": flag_labels(assessment.flags),
            "is_current": is_current,
            "correction": correction,
        },
    )


@login_required
@require_POST
def assessment_correct(request, pk: int):
    assessment = policy.fetch_or_404(request.user, Assessment, pk=pk)
    policy.require_permission(request.user, ADMINISTER_ASSESSMENTS)
    instrument = get_instrument(assessment.instrument_code, assessment.instrument_version)
    form = AnswerForm(request.POST, instrument=instrument, with_reason=True)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the correction."))
        return redirect("assessments:detail", pk=assessment.pk)
    try:
        corrected = services.assessment_correct(
            actor=request.user,
            assessment=assessment,
            answers=form.answers(),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:detail", pk=assessment.pk)
    messages.success(request, _("The correction is saved as a new version."))
    return redirect("assessments:detail", pk=corrected.pk)


@login_required
@require_http_methods(["GET"])
def assessment_trend(request, pk: int, code: str):
    resident = _clinical_resident(request, pk)
    instrument = _instrument_or_404(code)
    points = trend(user=request.user, resident=resident, instrument=instrument)
    return render(
        request,
        "assessments/trend.html",
        {
            "resident": resident,
            "instrument": instrument,
            "name": instrument.text("name", request.LANGUAGE_CODE),
            "points": points,
            "chart": trend_svg(instrument=instrument, points=points),
            "reliability": instrument.data.get("reliability"),
        },
    )


# The instrument library page: shipped and uploaded instruments, with their licences (ASM-1).


@login_required
@require_http_methods(["GET", "POST"])
def instrument_library(request):
    user = request.user
    if not any(
        policy.has_permission(user, p) for p in (ADMINISTER_ASSESSMENTS, MANAGE_CAMPAIGNS, MANAGE_INSTRUMENTS)
    ):
        policy.require_permission(user, MANAGE_INSTRUMENTS)
    can_upload = policy.has_permission(user, MANAGE_INSTRUMENTS)
    form = InstrumentUploadForm(request.POST or None, request.FILES or None) if can_upload else None
    if request.method == "POST":
        policy.require_permission(user, MANAGE_INSTRUMENTS)
        if form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8")
                upload = instrument_upload(actor=user, text=text)
            except UnicodeDecodeError:
                form.add_error("file", _("The file must be UTF-8 text."))
            except ValidationError as exc:
                apply_validation_error(form, exc, default_field="file")
            else:
                messages.success(
                    request, _("%(code)s is uploaded and can be used now.") % {"code": upload.code}
                )
                return redirect("assessments:library")
    language = request.LANGUAGE_CODE
    rows = [
        {
            "code": code,
            "version": instrument.version,
            "name": instrument.text("name", language),
            "licence": instrument.text("licence", language),
            "items": instrument.item_count,
            "loinc": instrument.data.get("loinc"),
        }
        for code, instrument in sorted(available_instruments().items())
    ]
    return render(request, "assessments/library.html", {"rows": rows, "form": form})
