"""Pages of the monthly reports (private to the app: only its urls.py imports them).

The reporter's page shows their own rows of people of concern and "received", never the signals
or alerts that followed. Every action page posts to a service; the state table decides which
actions the page offers.
"""

from __future__ import annotations

import base64
import io

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from archives.selectors import resident_picker_matches
from archives.services import resident_search_record
from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from lib.pdf import render_pdf
from lib.urls import absolute_reverse

from . import calendar as periods
from . import imports, selectors, services
from .forms import (
    AssignmentForm,
    CompletenessForm,
    ConcernForm,
    PaperImportForm,
    ReasonForm,
    ReviewForm,
    StartForm,
    answers_form_class,
)
from .models import ConcernReview, ConcernRow, MonthlyReport, ReportingAssignment
from .permissions import (
    MANAGE_REPORTING,
    REVIEW_FLAGGED_PEOPLE,
)
from .report_forms import current_form, report_form


def _require_use(user) -> None:
    if not policy.can_use_monthly_reports(user):
        raise PermissionDenied


def _report(request, pk) -> MonthlyReport:
    _require_use(request.user)
    queryset = MonthlyReport.objects.select_related(
        "assignment__reporter", "assignment__first_approver", "assignment__second_approver", "org_unit"
    )
    return policy.fetch_or_404(request.user, MonthlyReport, queryset=queryset, pk=pk)


@login_required
@require_http_methods(["GET"])
def home(request):
    user = request.user
    _require_use(user)
    page = Paginator(selectors.reports_for_list(user=user), 50).get_page(request.GET.get("page"))
    reports = list(page)
    audit_list_read(
        actor=user,
        object_type="monthlyreports.monthlyreport",
        page="monthly_reports",
        ids=[r.pk for r in reports],
    )
    context = {
        "to_write": selectors.my_reports_to_write(user=user),
        "waiting": list(selectors.reports_waiting_for(user=user).select_related("org_unit")[:50]),
        "reports": reports,
        "page": page,
        "may_manage": policy.can_manage_reporting(user),
    }
    return render(request, "monthlyreports/home.html", context)


@login_required
@require_http_methods(["POST"])
def start(request):
    user = request.user
    _require_use(user)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the month as YYYY-MM, e.g. 2026-11."))
        return redirect("monthlyreports:home")
    assignment = policy.fetch_or_404(user, ReportingAssignment, pk=form.cleaned_data["assignment"])
    try:
        report = services.report_start(actor=user, assignment=assignment, period=form.cleaned_data["period"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("monthlyreports:home")
    return redirect("monthlyreports:detail", pk=report.pk)


def _detail(request, report, *, status=200, answers_form=None, concern_form=None, reason_form=None):
    user = request.user
    form = report_form(report.form_code, report.form_version)
    offers = selectors.report_offers(user=user, report=report)
    editable = offers["editable"]
    if answers_form is None:
        answers_form = answers_form_class(form)(initial={**report.answers, "is_zero": report.is_zero})
    query = request.GET.get("q", "").strip()[:50]
    matches = []
    if (editable or offers["may_register"]) and query:
        resident_search_record(actor=user, filters=["q"])
        matches = resident_picker_matches(user=user, query=query)
    sections = [
        {"title": form.text(section["title"]), "fields": [answers_form[f["key"]] for f in section["fields"]]}
        for section in form.sections
    ]
    context = {
        "report": report,
        "form_def": form,
        "sections": sections,
        "answers_form": answers_form,
        "concern_form": concern_form or ConcernForm(),
        "reason_form": reason_form or ReasonForm(),
        "concerns": selectors.concerns_seen_by(user=user, report=report),
        **offers,
        "query": query,
        "matches": matches,
        "history": list(selectors.report_history(report=report)),
        "diff": selectors.report_diff(report=report, user=user),
        "due_on": report.assignment.due_on(report.period),
        "locks_on": report.assignment.locks_on(report.period),
    }
    return render(request, "monthlyreports/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def detail(request, pk: int):
    report = _report(request, pk)
    services.report_record_view(actor=request.user, report=report)
    return _detail(request, report)


def _refused(request, exc) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_http_methods(["POST"])
def save(request, pk: int):
    report = _report(request, pk)
    form = answers_form_class(report_form(report.form_code, report.form_version))(request.POST)
    if not form.is_valid():
        return _detail(request, report, status=400, answers_form=form)
    data = dict(form.cleaned_data)
    is_zero = data.pop("is_zero", False)
    try:
        services.report_save(actor=request.user, report=report, answers=data, is_zero=is_zero)
        if "submit" in request.POST:
            services.report_submit(actor=request.user, report=report)
            messages.success(request, _("Report submitted."))
        else:
            messages.success(request, _("Draft saved."))
    except ValidationError as exc:
        if isinstance(exc, services.ReportLocked) or not hasattr(exc, "error_dict"):
            _refused(request, exc)
            return redirect("monthlyreports:detail", pk=report.pk)
        apply_validation_error(form, exc)
        return _detail(request, report, status=400, answers_form=form)
    return redirect("monthlyreports:detail", pk=report.pk)


@login_required
@require_http_methods(["POST"])
def concern_add(request, pk: int):
    report = _report(request, pk)
    form = ConcernForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, status=400, concern_form=form)
    data = dict(form.cleaned_data)
    resident_pk = data.pop("resident")
    resident = None
    if resident_pk:
        resident = selectors.nameable_resident(user=request.user, pk=resident_pk)
        if resident is None:
            form.add_error(
                None,
                _("You can only name people registered in your area. Describe the person in words instead."),
            )
            return _detail(request, report, status=400, concern_form=form)
    try:
        services.concern_add(actor=request.user, report=report, resident=resident, **data)
    except ValidationError as exc:
        if isinstance(exc, services.ReportLocked):
            _refused(request, exc)
            return redirect("monthlyreports:detail", pk=report.pk)
        apply_validation_error(form, exc)
        return _detail(request, report, status=400, concern_form=form)
    messages.success(request, pgettext("monthly report", "Received."))
    return redirect("monthlyreports:detail", pk=report.pk)


@login_required
@require_http_methods(["POST"])
def concern_remove(request, pk: int, row: int):
    report = _report(request, pk)
    concern = report.concerns.filter(pk=row).first()
    if concern is None:
        raise Http404
    try:
        services.concern_remove(actor=request.user, row=concern)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("monthlyreports:detail", pk=report.pk)


@login_required
@require_http_methods(["POST"])
def concern_register(request, pk: int, row: int):
    report = _report(request, pk)
    concern = report.concerns.filter(pk=row).first()
    if concern is None:
        raise Http404
    resident = selectors.nameable_resident(user=request.user, pk=request.POST.get("resident", ""))
    if resident is None:
        messages.error(request, _("Choose a resident registered in your area."))
        return redirect("monthlyreports:detail", pk=report.pk)
    try:
        services.concern_row_register(actor=request.user, row=concern, resident=resident)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The person is now linked to the resident's record."))
    return redirect("monthlyreports:detail", pk=report.pk)


def _action(request, pk, run, done, *, needs_reason=False):
    report = _report(request, pk)
    reason = ""
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return _detail(request, report, status=400, reason_form=form)
        reason = form.cleaned_data["reason"]
    try:
        run(report, reason)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done)
    return redirect("monthlyreports:detail", pk=report.pk)


@login_required
@require_http_methods(["POST"])
def submit(request, pk: int):
    return _action(
        request,
        pk,
        lambda r, _x: services.report_submit(actor=request.user, report=r),
        _("Report submitted."),
    )


@login_required
@require_http_methods(["POST"])
def return_(request, pk: int):
    return _action(
        request,
        pk,
        lambda r, reason: services.report_return(actor=request.user, report=r, reason=reason),
        _("Report returned to its reporter."),
        needs_reason=True,
    )


@login_required
@require_http_methods(["POST"])
def accept(request, pk: int):
    return _action(
        request, pk, lambda r, _x: services.report_accept(actor=request.user, report=r), _("Report accepted.")
    )


@login_required
@require_http_methods(["POST"])
def approve(request, pk: int):
    return _action(
        request,
        pk,
        lambda r, _x: services.report_approve(actor=request.user, report=r),
        _("Report approved."),
    )


@login_required
@require_http_methods(["POST"])
def unapprove(request, pk: int):
    return _action(
        request,
        pk,
        lambda r, reason: services.report_unapprove(actor=request.user, report=r, reason=reason),
        _("Approval withdrawn; the reporter was told."),
        needs_reason=True,
    )


@login_required
@require_http_methods(["GET"])
def completeness(request):
    user = request.user
    policy.require_permission(user, MANAGE_REPORTING)
    units = selectors.completeness_units(user=user)
    form = CompletenessForm(request.GET)
    form.is_valid()
    unit_pk = form.cleaned_data.get("unit") if form.is_valid() else None
    unit = units.filter(pk=unit_pk).first() if unit_pk else (units.order_by("depth", "path").first())
    if unit is None:
        raise Http404
    error = ""
    try:
        period = periods.parse_period(form.cleaned_data.get("period") or periods.current_period())
    except ValidationError as exc:
        error = exc.messages[0]
        period = periods.current_period()
    figures = selectors.completeness(unit=unit, period=period, with_missing=True)
    context = {
        "figures": figures,
        "units": units.order_by("path"),
        "unit": unit,
        "period": periods.period_label(period),
        "error": error,
    }
    return render(request, "monthlyreports/completeness.html", context, status=400 if error else 200)


def _qr_data_uri(link: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(link, box_size=6, border=2).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET"])
def blank_pdf(request):
    _require_use(request.user)
    form = current_form()
    link = absolute_reverse("monthlyreports:home", request=request)
    from django.template.loader import render_to_string

    # The form's texts and the row choices in the reader's language, as on the report's page.
    sections = [
        {
            "title": form.text(section["title"]),
            "fields": [{"label": form.text(f["label"]), "kind": f["kind"]} for f in section["fields"]],
        }
        for section in form.sections
    ]
    html = render_to_string(
        "monthlyreports/blank_pdf.html",
        {
            "form_def": form,
            "sections": sections,
            "concern_title": form.text(form.data.get("concern_table", {}).get("title")),
            "categories": [label for _value, label in ConcernRow.Category.choices],
            "urgencies": [label for _value, label in ConcernRow.Urgency.choices],
            "qr": _qr_data_uri(link),
            "link": link,
            "rows": range(6),
        },
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="monthly-report-blank.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request):
    user = request.user
    policy.require_permission(user, MANAGE_REPORTING)
    form = AssignmentForm(
        request.POST or None,
        units=selectors.assignment_units(user=user),
        staff=selectors.assignable_staff(user=user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_save(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Assignment saved."))
            return redirect("monthlyreports:assignments")
    rows = policy.filter_reporting_assignments(
        user, ReportingAssignment.objects.filter(is_active=True)
    ).select_related("org_unit", "reporter", "first_approver", "second_approver")
    return render(
        request,
        "monthlyreports/assignments.html",
        {"form": form, "rows": rows},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET"])
def review_list(request):
    policy.require_permission(request.user, REVIEW_FLAGGED_PEOPLE)
    reviews = list(selectors.concern_reviews_open(user=request.user)[:100])
    audit_list_read(
        actor=request.user,
        object_type="monthlyreports.concernreview",
        page="concern_reviews",
        ids=[r.pk for r in reviews],
    )
    return render(request, "monthlyreports/reviews.html", {"reviews": reviews, "form": ReviewForm()})


@login_required
@require_http_methods(["POST"])
def review_complete(request, pk: int):
    policy.require_permission(request.user, REVIEW_FLAGGED_PEOPLE)
    review = policy.fetch_or_404(request.user, ConcernReview, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.concern_review_complete(
                actor=request.user, review=review, note=form.cleaned_data["note"]
            )
            messages.success(request, _("Review recorded."))
        except ValidationError as exc:
            _refused(request, exc)
    else:
        messages.error(request, _("Say what the review found."))
    return redirect("monthlyreports:review_list")


@login_required
@require_http_methods(["GET", "POST"])
def paper_import(request):
    """Bulk entry of paper forms: the template, the upload, and the row-by-row report of a
    refused file (nothing of it stored)."""
    user = request.user
    policy.require_permission(user, MANAGE_REPORTING)
    form = PaperImportForm(request.POST or None, request.FILES or None)
    rejected = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(imports.MAX_UPLOAD_BYTES + 1)
        try:
            summary = imports.paper_reports_import(actor=user, data=data, file_name=upload.name)
        except imports.ImportRejected as exc:
            rejected = exc
        else:
            messages.success(
                request,
                _("%(reports)s paper reports were entered as submitted (%(rows)s people of concern).")
                % {"reports": summary.reports, "rows": summary.concerns},
            )
            return redirect("monthlyreports:home")
    context = {
        "form": form,
        "rejected": rejected,
        "units": len(imports.paper_assignments(user=user)),
        "period": periods.period_label(periods.current_period()),
    }
    return render(
        request,
        "monthlyreports/paper_import.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET"])
def paper_template(request):
    policy.require_permission(request.user, MANAGE_REPORTING)
    try:
        period = periods.parse_period(request.GET["period"]) if request.GET.get("period") else None
    except ValidationError:
        period = None
    content = imports.paper_template(user=request.user, period=period)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="monthly-reports-paper.xlsx"'
    return response
