"""Staff pages: concern reports from field staff (CRI-1) and the counsellor's risk flag.

A concern report's pages show the reporter only what they wrote and that it was received: never
the signal, the alert, its level or owner, or the person's risk level. The flag page is for those
who see the person's clinical content; everyone else gets the same 404 as for a missing record.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from archives.selectors import resident_picker_matches
from archives.services import resident_search_record
from confidentiality import policy
from confidentiality.services import audit_list_read
from core.selectors import centre_profile
from crisis.forms.concerns import ConcernReportForm, ResidentSearchForm, RiskFlagForm
from crisis.models import ConcernReport
from crisis.permissions import FLAG_RISK, REPORT_CONCERN
from crisis.selectors import concerns as selectors
from crisis.services import concerns as services
from lib.forms import apply_validation_error

# ---------------------------------------------------------------------------------------------
# Concern reports


def _matches(request, data, *, can_pick: bool) -> tuple[str, list]:
    """The search text and the residents it found in the reporter's scope (the search audited)."""
    if not can_pick:
        return "", []
    search = ResidentSearchForm(data)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    if not query.strip():
        return "", []
    resident_search_record(actor=request.user, filters=["q"])
    return query, resident_picker_matches(user=request.user, query=query)


def _chosen(user, value) -> object | None:
    value = str(value or "")
    if not value.isdigit():
        return None
    return selectors.concern_residents(user=user).select_related("org_unit").filter(pk=int(value)).first()


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request):
    user = request.user
    policy.require_permission(user, REPORT_CONCERN)
    can_pick = policy.can_search_residents(user)
    residents = selectors.concern_residents(user=user) if can_pick else None
    data = request.POST if request.method == "POST" else request.GET
    query, matches = _matches(request, data, can_pick=can_pick)
    if request.method == "GET" and request.htmx:
        return render(
            request,
            "crisis/concern_resident_matches.html",
            {"matches": matches, "query": query, "chosen": None},
        )
    searching = request.method == "POST" and "search" in request.POST
    if request.method == "POST" and not searching:
        form = ConcernReportForm(request.POST, residents=residents)
        if form.is_valid():
            try:
                report = services.concern_report_submit(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                return redirect("crisis:concern_received", pk=report.pk)
    elif searching:
        # "Find" inside the form: show the matches and keep what was typed, without checking it yet.
        form = ConcernReportForm(initial=request.POST.dict(), residents=residents)
    else:
        form = ConcernReportForm(residents=residents)
    chosen = _chosen(user, data.get("resident")) if can_pick else None
    if chosen is not None and chosen not in matches:
        matches = [chosen, *matches]
    context = {
        "form": form,
        "can_pick": can_pick,
        "query": query,
        "matches": matches,
        "chosen": chosen,
        "centre": centre_profile(),
    }
    return render(request, "crisis/concern_form.html", context)


@login_required
@require_http_methods(["GET"])
def concern_received(request, pk: int):
    policy.require_permission(request.user, REPORT_CONCERN)
    queryset = ConcernReport.objects.select_related("resident")
    report = policy.fetch_or_404(request.user, ConcernReport, queryset=queryset, pk=pk)
    services.concern_report_record_view(actor=request.user, report=report)
    return render(request, "crisis/concern_received.html", {"report": report, "centre": centre_profile()})


@login_required
@require_http_methods(["GET"])
def concern_list(request):
    policy.require_permission(request.user, REPORT_CONCERN)
    page = Paginator(selectors.my_concern_reports(user=request.user), 25).get_page(request.GET.get("page"))
    audit_list_read(
        actor=request.user, object_type="crisis.concernreport", page="my_concerns", ids=[r.pk for r in page]
    )
    return render(request, "crisis/concern_list.html", {"page": page, "filters": request.GET})


# ---------------------------------------------------------------------------------------------
# Counsellor's risk flag


def _flag_subject(request):
    """The resident (and session, if flagged from one) named by ?resident= or ?session=."""
    from workflow.selectors.cases import session_for_page

    user = request.user
    session_pk = request.GET.get("session", "")
    if session_pk:
        session = session_for_page(user=user, pk=session_pk)
        resident = session.case.resident
        if not policy.can_flag_risk(user, resident):
            raise Http404
        return resident, session
    resident_pk = request.GET.get("resident", "")
    if not resident_pk:
        raise Http404
    return selectors.flag_resident(user=user, pk=resident_pk), None


@login_required
@require_http_methods(["GET", "POST"])
def flag_create(request):
    user = request.user
    policy.require_permission(user, FLAG_RISK)
    resident, session = _flag_subject(request)
    form = RiskFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _signal, alert = services.risk_flag_raise(
                actor=user, resident=resident, session=session, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if alert is not None:
                messages.warning(
                    request,
                    _("The risk is flagged: a %(level)s alert is open for the crisis team.")
                    % {"level": alert.get_level_display()},
                )
            else:
                messages.success(request, _("The risk is flagged for the crisis team."))
            if session is not None:
                return redirect("workflow:session_detail", pk=session.pk)
            return redirect("archives:detail", pk=resident.pk)
    context = {"form": form, "resident": resident, "session": session, "centre": centre_profile()}
    return render(request, "crisis/flag_form.html", context)
