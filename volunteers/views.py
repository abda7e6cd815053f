"""Pages of this app (private to it: only its urls.py imports them).

The volunteer's pages (my visits, an assignment, the visit log) show of a resident only what a
visit needs, and of a passed-on worry only "已转交心理老师". The coordinator's pages list
profiles, assignments and hours waiting. Every object is loaded through the policy
(``fetch_or_404``): out of reach looks the same as missing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from archives.models import Resident
from archives.selectors import resident_picker_matches
from archives.services import resident_search_record
from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from lib.views import errors_as_messages, submit_form

from . import selectors, services
from .forms import (
    AgreementForm,
    AssignmentForm,
    ConsentForm,
    EndForm,
    ProfileEditForm,
    ProfileForm,
    TrainingForm,
    VisitForm,
)
from .models import VisitAssignment, VolunteerProfile
from .permissions import LOG_VISITS, MANAGE_VOLUNTEERS

PAGE_SIZE = 25


def _require_coordinator(request) -> None:
    policy.require_permission(request.user, MANAGE_VOLUNTEERS)


# ---------------------------------------------------------------------------------------------
# The volunteer's pages


@login_required
@require_http_methods(["GET"])
def my_visits(request):
    """The volunteer's home for visits: each active assignment with whether contact is due."""
    policy.require_permission(request.user, LOG_VISITS)
    rows = selectors.with_states(selectors.active_assignments_for(user=request.user))
    recent = list(selectors.visits_of(user=request.user).order_by("-visited_at", "-pk")[:10])
    audit_list_read(
        actor=request.user,
        object_type="volunteers.visitassignment",
        page="my_visits",
        ids=[row.pk for row in rows],
    )
    return render(request, "volunteers/my_visits.html", {"rows": rows, "recent": recent})


def _assignment_context(request, assignment) -> dict:
    user = request.user
    row = selectors.assignments_with_contact_clock(VisitAssignment.objects.filter(pk=assignment.pk)).first()
    context = {
        "assignment": assignment,
        "contact": selectors.contact_state(row) if row is not None else None,
        "visits": list(
            selectors.visits_of(user=user, assignment=assignment).order_by("-visited_at", "-pk")[:50]
        ),
        "may_manage": policy.can_manage_assignment(user, assignment),
        "may_log": policy.can_log_visit(user, assignment)
        and VisitAssignment.ACTIONS.allows(assignment, "log_visit"),
        "sees_follow_up": policy.sees_visit_follow_up(user),
    }
    if context["may_manage"]:
        context["consent_form"] = ConsentForm(
            initial={"consent_on": timezone.localdate(), "channel": "verbal"}
        )
        context["end_form"] = EndForm()
    return context


@login_required
@require_http_methods(["GET"])
def assignment_detail(request, pk: int):
    assignment = selectors.assignment_for_page(user=request.user, pk=pk)
    services.assignment_record_view(actor=request.user, assignment=assignment)
    context = _assignment_context(request, assignment)
    if request.htmx:
        return render(request, "volunteers/_visit_rows.html", context)
    return render(request, "volunteers/assignment_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def visit_create(request, pk: int):
    """The visit log (mobile first). The browser keeps a draft while it is filled in
    (volunteers/visit_draft.js); the form's one-time key makes a resubmit write nothing twice."""
    policy.require_permission(request.user, LOG_VISITS)
    assignment = selectors.assignment_for_page(user=request.user, pk=pk)
    if not policy.can_log_visit(request.user, assignment):
        raise Http404
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                visit, _created = services.visit_log(actor=request.user, assignment=assignment, **data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                if visit.passed_on:
                    messages.success(request, _("Saved. %(passed)s") % {"passed": services.PASSED_ON})
                else:
                    messages.success(request, _("The visit was saved."))
                return redirect("volunteers:visit_detail", pk=visit.pk)
        status = 400
    else:
        form = VisitForm(initial={"visited_at": timezone.localtime().replace(second=0, microsecond=0)})
    return render(
        request, "volunteers/visit_form.html", {"form": form, "assignment": assignment}, status=status
    )


@login_required
@require_http_methods(["GET"])
def visit_detail(request, pk: int):
    visit = selectors.visit_for_page(user=request.user, pk=pk)
    services.visit_record_view(actor=request.user, visit=visit)
    return render(
        request,
        "volunteers/visit_detail.html",
        {
            "visit": visit,
            "passed_on_text": services.PASSED_ON,
            "sees_follow_up": policy.sees_visit_follow_up(request.user),
        },
    )


# ---------------------------------------------------------------------------------------------
# The coordinator's pages


@login_required
@require_http_methods(["GET"])
def profile_list(request):
    _require_coordinator(request)
    page = Paginator(selectors.profiles_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list_read(
        actor=request.user,
        object_type="volunteers.volunteerprofile",
        page="profiles",
        ids=[p.pk for p in page],
    )
    template = "volunteers/_profile_rows.html" if request.htmx else "volunteers/profile_list.html"
    return render(request, template, {"page": page})


def _profile_form(request, data=None) -> ProfileForm:
    return ProfileForm(
        data,
        accounts=policy.volunteer_account_choices(request.user, User.objects.select_related("org_unit")),
        coordinators=policy.coordinator_choices(request.user, User.objects.select_related("org_unit")),
        initial={"coordinator": request.user.pk},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_create(request):
    _require_coordinator(request)
    form = _profile_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                profile = services.volunteer_profile_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The volunteer was registered as an applicant."))
                return redirect("volunteers:profile_detail", pk=profile.pk)
        return render(request, "volunteers/profile_form.html", {"form": form}, status=400)
    return render(request, "volunteers/profile_form.html", {"form": form})


def _resident_matches(request, data) -> tuple[str, list]:
    """The search text and the residents it found in the coordinator's scope (the search audited,
    as on the residents page)."""
    query = str(data.get("q", "")).strip()[:50]
    if not query:
        return "", []
    resident_search_record(actor=request.user, filters=["q"])
    return query, resident_picker_matches(user=request.user, query=query)


def _chosen_resident(request, value):
    value = str(value or "")
    return _residents(request).filter(pk=int(value)).first() if value.isdigit() else None


def _profile_page(request, profile, *, status=200, data=None, **forms):
    user = request.user
    query, matches = _resident_matches(request, data or {})
    chosen = _chosen_resident(request, (data or {}).get("resident"))
    if chosen is not None and chosen not in matches:
        matches = [chosen, *matches]
    hours = selectors.approved_hours(profile=profile)
    agreement_text = services.current_agreement_text()
    context = {
        "profile": profile,
        "may_coordinate": policy.can_coordinate_volunteer(user, profile),
        "trainings": list(profile.trainings.all()),
        "assignments": selectors.with_states(
            selectors.assignments_with_contact_clock(
                policy.filter_visit_assignments(user, profile.assignments.all())
            ).select_related("resident")
        ),
        "other_assignments": list(
            policy.filter_visit_assignments(
                user, profile.assignments.exclude(status="active")
            ).select_related("resident")
        ),
        "hours": hours,
        "level_changes": list(profile.level_changes.all()[:5]),
        "training_form": forms.get("training_form") or TrainingForm(),
        "agreement_form": forms.get("agreement_form")
        or AgreementForm(initial={"signed_on": timezone.localdate()}),
        "assignment_form": forms.get("assignment_form") or AssignmentForm(residents=_residents(request)),
        "agreement_text": agreement_text,
        # Not signed, or signed on an earlier version than the one in force: offer the signing.
        "agreement_outdated": (agreement_text is not None and profile.agreement_text_id != agreement_text.pk)
        or not profile.agreement_signed,
        "query": query,
        "matches": matches,
        "chosen": chosen,
    }
    return render(request, "volunteers/profile_detail.html", context, status=status)


def _residents(request):
    return policy.filter_residents(request.user, Resident.objects.filter(is_anonymised=False)).select_related(
        "org_unit"
    )


@login_required
@require_http_methods(["GET"])
def profile_detail(request, pk: int):
    _require_coordinator(request)
    profile = selectors.profile_for_page(user=request.user, pk=pk)
    if request.htmx and "q" in request.GET:
        query, matches = _resident_matches(request, request.GET)
        return render(
            request, "volunteers/_resident_matches.html", {"query": query, "matches": matches, "chosen": None}
        )
    return _profile_page(request, profile, data=request.GET)


def _say_outcome(request, run, done: str) -> None:
    """Call a service for a one-button action and say what came of it: its refusals as messages,
    a refusal of access as the same 404 as a missing record."""
    try:
        run()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done() if callable(done) else done)


def _profile_form_action(request, pk: int, *, form_class, form_name: str, run, done: str, **form_kwargs):
    """A form on the profile page: done, back to the page; refused, the page again with the form."""
    _require_coordinator(request)
    profile = selectors.profile_for_page(user=request.user, pk=pk)
    form = form_class(request.POST, **form_kwargs)
    response = submit_form(
        request,
        form,
        run=lambda data: run(profile, data),
        done=done,
        success_url=reverse("volunteers:profile_detail", args=[profile.pk]),
    )
    return response or _profile_page(request, profile, status=400, data=request.POST, **{form_name: form})


def _coordinated_profile(request, pk: int):
    """A profile the person coordinates (seen but not theirs to change: the same 404)."""
    _require_coordinator(request)
    profile = selectors.profile_for_page(user=request.user, pk=pk)
    if not policy.can_coordinate_volunteer(request.user, profile):
        raise Http404
    return profile


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk: int):
    """The coordinator changes a volunteer's skills, dialects, availability, kind and coordinator;
    the status changes stay the buttons the state table offers (also shown here)."""
    profile = _coordinated_profile(request, pk)
    if not VolunteerProfile.ACTIONS.allows(profile, "edit"):
        messages.error(request, _("An exited volunteer's profile is kept as it was."))
        return redirect("volunteers:profile_detail", pk=profile.pk)
    coordinators = policy.coordinator_choices(request.user, User.objects.select_related("org_unit"))
    coordinators = coordinators | User.objects.filter(pk=profile.coordinator_id).select_related("org_unit")
    initial = {
        "kind": profile.kind,
        "coordinator": profile.coordinator_id,
        "skills": profile.skills,
        "dialects": profile.dialects,
        "availability": profile.availability,
    }
    form = ProfileEditForm(
        request.POST if request.method == "POST" else None,
        coordinators=coordinators.distinct(),
        initial=initial,
    )
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            run=lambda data: services.volunteer_profile_update(actor=request.user, profile=profile, **data),
            done=_("The profile was saved."),
            success_url=reverse("volunteers:profile_detail", args=[profile.pk]),
        )
        if response is not None:
            return response
    return render(
        request,
        "volunteers/profile_edit.html",
        {"form": form, "profile": profile, "may_coordinate": True},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET"])
def my_profile(request):
    """The volunteer's own profile, read only: what the centre holds about them and their hours."""
    policy.require_permission(request.user, LOG_VISITS)
    profile = selectors.my_profile(user=request.user)
    if profile is None:
        raise Http404
    return render(
        request,
        "volunteers/my_profile.html",
        {
            "profile": profile,
            "trainings": list(profile.trainings.all()),
            "hours": selectors.approved_hours(profile=profile),
            "agreement_text": services.current_agreement_text(),
        },
    )


@login_required
@require_http_methods(["POST"])
def profile_training(request, pk: int):
    return _profile_form_action(
        request,
        pk,
        form_class=TrainingForm,
        form_name="training_form",
        run=lambda profile, data: services.volunteer_training_record(
            actor=request.user, profile=profile, **data
        ),
        done=_("The training was recorded."),
    )


@login_required
@require_http_methods(["POST"])
def profile_agreement(request, pk: int):
    return _profile_form_action(
        request,
        pk,
        form_class=AgreementForm,
        form_name="agreement_form",
        run=lambda profile, data: services.volunteer_agreement_sign(
            actor=request.user, profile=profile, **data
        ),
        done=_("The confidentiality agreement was recorded."),
    )


@login_required
@require_http_methods(["POST"])
def profile_status(request, pk: int):
    _require_coordinator(request)
    profile = selectors.profile_for_page(user=request.user, pk=pk)
    _say_outcome(
        request,
        lambda: services.volunteer_transition(
            actor=request.user, profile=profile, action=request.POST.get("action", "")
        ),
        lambda: _("The volunteer's status is now “%(s)s”.") % {"s": profile.get_status_display()},
    )
    return redirect("volunteers:profile_detail", pk=profile.pk)


@login_required
@require_http_methods(["POST"])
def assignment_create(request, pk: int):
    if "search" in request.POST:
        # "Find" without JavaScript: show the matches and keep what was typed, unchecked.
        _require_coordinator(request)
        profile = selectors.profile_for_page(user=request.user, pk=pk)
        form = AssignmentForm(initial=request.POST.dict(), residents=_residents(request))
        return _profile_page(request, profile, data=request.POST, assignment_form=form)
    return _profile_form_action(
        request,
        pk,
        form_class=AssignmentForm,
        form_name="assignment_form",
        run=lambda profile, data: services.assignment_propose(actor=request.user, volunteer=profile, **data),
        done=_("The assignment was proposed: record the resident's consent, then start it."),
        residents=_residents(request),
    )


@login_required
@require_http_methods(["GET"])
def assignment_list(request):
    _require_coordinator(request)
    show = request.GET.get("show", "")
    visible = policy.filter_visit_assignments(request.user, VisitAssignment.objects.all())
    if show == "due":
        queryset = selectors.contact_due(visible)
    elif show == "overdue":
        queryset = selectors.contact_overdue(visible)
    else:
        show = ""
        queryset = selectors.assignments_with_contact_clock(visible)
    queryset = queryset.select_related("resident", "volunteer__user").order_by("contact_due_at", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.with_states(page)
    audit_list_read(
        actor=request.user,
        object_type="volunteers.visitassignment",
        page="assignments",
        ids=[row.pk for row in rows],
        filters={"show": show},
    )
    template = "volunteers/_assignment_rows.html" if request.htmx else "volunteers/assignment_list.html"
    return render(request, template, {"page": page, "rows": rows, "show": show})


def _assignment_action(request, pk: int, run, done: str, form_class=None):
    _require_coordinator(request)
    assignment = selectors.assignment_for_page(user=request.user, pk=pk)
    if not policy.can_manage_assignment(request.user, assignment):
        raise Http404
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        errors_as_messages(request, form)
    else:
        _say_outcome(request, lambda: run(assignment, form.cleaned_data if form is not None else {}), done)
    return redirect("volunteers:assignment_detail", pk=assignment.pk)


@login_required
@require_http_methods(["POST"])
def assignment_consent(request, pk: int):
    return _assignment_action(
        request,
        pk,
        lambda a, data: services.assignment_record_consent(actor=request.user, assignment=a, **data),
        _("The resident's consent was recorded."),
        ConsentForm,
    )


@login_required
@require_http_methods(["POST"])
def assignment_activate(request, pk: int):
    return _assignment_action(
        request,
        pk,
        lambda a, data: services.assignment_activate(actor=request.user, assignment=a),
        _("The visits have started."),
    )


@login_required
@require_http_methods(["POST"])
def assignment_end(request, pk: int):
    return _assignment_action(
        request,
        pk,
        lambda a, data: services.assignment_end(actor=request.user, assignment=a, reason=data["reason"]),
        _("The assignment was ended."),
        EndForm,
    )


@login_required
@require_http_methods(["GET"])
def hours_list(request):
    _require_coordinator(request)
    page = Paginator(selectors.hours_waiting(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit_list_read(
        actor=request.user, object_type="volunteers.visit", page="hours", ids=[v.pk for v in page]
    )
    levels = list(selectors.listed_level_changes(user=request.user))
    return render(request, "volunteers/hours_list.html", {"page": page, "levels": levels})


@login_required
@require_http_methods(["POST"])
def visit_hours(request, pk: int):
    _require_coordinator(request)
    visit = selectors.visit_for_page(user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    _say_outcome(
        request,
        lambda: services.visit_hours_decide(actor=request.user, visit=visit, approve=approve),
        _("The hours were approved.") if approve else _("The hours were not approved."),
    )
    return redirect("volunteers:hours_list")
