"""Pages of this app (private to it: only its urls.py imports them).

Supervision sessions (list, record, detail with the cases discussed and the recommendations),
the recommendations' actions, and the counsellors' hour ledgers with their statements (XLSX,
PDF). Every object is loaded through the policy (``fetch_or_404``): out of reach looks the same as
missing. A discussed case shows its client only to the case's team (``selectors.discussed_cases``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from confidentiality import policy
from confidentiality.services import audit_list_read, audit_record
from lib.pdf import render_pdf
from lib.views import submit_form
from workflow.models import Case

from . import selectors, services
from .forms import DeclineForm, LedgerForm, RecommendationForm, SessionForm
from .models import Recommendation
from .permissions import RECORD_SUPERVISION, VIEW_HOUR_LEDGERS
from .statements import ledger_xlsx

PAGE_SIZE = 25


def _require(request) -> None:
    policy.require_permission(request.user, RECORD_SUPERVISION)


@login_required
@require_http_methods(["GET"])
def session_list(request):
    _require(request)
    page = Paginator(selectors.sessions_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list_read(
        actor=request.user,
        object_type="supervision.supervisionsession",
        page="sessions",
        ids=[s.pk for s in page],
    )
    return render(
        request,
        "supervision/session_list.html",
        {"page": page, "overdue": list(selectors.overdue_recommendations_for(user=request.user)[:20])},
    )


def _session_form(request, data=None) -> SessionForm:
    user = request.user
    cases = policy.filter_cases(user, Case.objects.filter(status=Case.Status.OPEN)).select_related(
        "resident", "counsellor"
    )
    return SessionForm(
        data,
        supervisors=policy.supervision_supervisor_choices(
            user, User.objects.select_related("org_unit")
        ).order_by("full_name", "pk"),
        attendees=policy.supervision_attendee_choices(user, User.objects.select_related("org_unit")).order_by(
            "full_name", "pk"
        ),
        cases=cases.order_by("number"),
        initial={
            "held_on": timezone.localdate(),
            "supervisor": user.pk if policy.is_supervisor(user) else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    _require(request)
    if request.method == "POST":
        form = _session_form(request, request.POST)
        created = {}

        def run(data):
            created["session"] = services.supervision_session_record(actor=request.user, **data)

        response = submit_form(
            request,
            form,
            run=run,
            done=_("The supervision session was recorded."),
            success_url=reverse("supervision:session_list"),
        )
        if response is not None:
            response["Location"] = reverse("supervision:session_detail", args=[created["session"].pk])
            return response
        return render(request, "supervision/session_form.html", {"form": form}, status=400)
    return render(request, "supervision/session_form.html", {"form": _session_form(request)})


def _detail(request, session, *, status=200, recommendation_form=None, decline_form=None):
    user = request.user
    may_add = policy.can_add_recommendation(user, session)
    attendees = selectors.attendees_of(session)
    recommendations = list(selectors.recommendations_of(user=user, session=session))
    for recommendation in recommendations:
        recommendation.may_decide = policy.can_decide_recommendation(user, recommendation)
    review = list(selectors.open_for_review(user=user, session=session))
    for recommendation in review:
        recommendation.may_decide = policy.can_decide_recommendation(user, recommendation)
    if may_add and recommendation_form is None:
        recommendation_form = RecommendationForm(
            owners=session.attendees.select_related("org_unit").order_by("full_name", "pk")
        )
    context = {
        "session": session,
        "attendees": attendees,
        "cases": selectors.discussed_cases(user=user, session=session),
        "recommendations": recommendations,
        "review": review,
        "may_add": may_add,
        "recommendation_form": recommendation_form,
        "decline_form": decline_form or DeclineForm(),
    }
    return render(request, "supervision/session_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def session_detail(request, pk: int):
    _require(request)
    session = selectors.session_for_page(user=request.user, pk=pk)
    services.supervision_session_record_view(actor=request.user, session=session)
    return _detail(request, session)


@login_required
@require_http_methods(["POST"])
def recommendation_add(request, pk: int):
    _require(request)
    session = selectors.session_for_page(user=request.user, pk=pk)
    if not policy.can_add_recommendation(request.user, session):
        raise Http404
    form = RecommendationForm(
        request.POST, owners=session.attendees.select_related("org_unit").order_by("full_name", "pk")
    )
    response = submit_form(
        request,
        form,
        run=lambda data: services.recommendation_add(actor=request.user, session=session, **data),
        done=_("The recommendation was added."),
        success_url=reverse("supervision:session_detail", args=[session.pk]),
    )
    if response is not None:
        return response
    return _detail(request, session, status=400, recommendation_form=form)


def _recommendation(request, pk: int) -> Recommendation:
    _require(request)
    recommendation = selectors.recommendation_for_page(user=request.user, pk=pk)
    if not policy.can_decide_recommendation(request.user, recommendation):
        raise Http404
    return recommendation


@login_required
@require_http_methods(["POST"])
def recommendation_complete(request, pk: int):
    recommendation = _recommendation(request, pk)
    try:
        services.recommendation_complete(actor=request.user, recommendation=recommendation)
    except ValidationError as exc:
        # Decided meanwhile (another tab): the page again, saying why.
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, recommendation.session, status=400)
    messages.success(request, _("The recommendation is marked done."))
    return redirect("supervision:session_detail", pk=recommendation.session_id)


@login_required
@require_http_methods(["POST"])
def recommendation_decline(request, pk: int):
    recommendation = _recommendation(request, pk)
    form = DeclineForm(request.POST)
    response = submit_form(
        request,
        form,
        run=lambda data: services.recommendation_decline(
            actor=request.user, recommendation=recommendation, **data
        ),
        done=_("The recommendation is marked not adopted."),
        success_url=reverse("supervision:session_detail", args=[recommendation.session_id]),
    )
    if response is not None:
        return response
    return _detail(request, recommendation.session, status=400, decline_form=form)


# ---------------------------------------------------------------------------------------------
# Hour ledgers


def _year(request) -> int:
    form = LedgerForm(request.GET or None)
    if form.is_valid():
        return form.cleaned_data["year"]
    return timezone.localdate().year


@login_required
@require_http_methods(["GET"])
def ledger_list(request):
    policy.require_permission(request.user, VIEW_HOUR_LEDGERS)
    people = list(selectors.ledger_people(user=request.user)[:200])
    return render(request, "supervision/ledger_list.html", {"people": people, "year": _year(request)})


def _ledger(request, pk: int) -> dict:
    policy.require_permission(request.user, VIEW_HOUR_LEDGERS)
    person = policy.fetch_or_404(
        request.user,
        User,
        queryset=User.objects.select_related("org_unit", "supervisor"),
        policy_filter=policy.filter_hour_ledger_people,
        pk=pk,
    )
    return selectors.hour_ledger(person=person, year=_year(request))


@login_required
@require_http_methods(["GET"])
def ledger_detail(request, pk: int):
    ledger = _ledger(request, pk)
    form = LedgerForm(request.GET or None)
    return render(request, "supervision/ledger_detail.html", {"ledger": ledger, "form": form})


def _export_audited(request, ledger, kind: str) -> None:
    audit_record(
        actor=request.user,
        action="supervision_ledger.exported",
        object_type="accounts.user",
        object_id=ledger["person"].pk,
        details={"year": ledger["year"], "format": kind},
    )


@login_required
@require_http_methods(["GET"])
def ledger_export_xlsx(request, pk: int):
    ledger = _ledger(request, pk)
    _export_audited(request, ledger, "xlsx")
    response = HttpResponse(
        ledger_xlsx(ledger), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="hours-{ledger["person"].pk}-{ledger["year"]}.xlsx"'
    )
    return response


@login_required
@require_http_methods(["GET"])
def ledger_export_pdf(request, pk: int):
    ledger = _ledger(request, pk)
    _export_audited(request, ledger, "pdf")
    html = render_to_string(
        "supervision/ledger_pdf.html", {"ledger": ledger, "printed_on": timezone.localdate()}, request=request
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="hours-{ledger["person"].pk}-{ledger["year"]}.pdf"'
    return response
