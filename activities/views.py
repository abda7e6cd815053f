"""Staff pages of activities (PRG-1): the list, create and edit, the activity's page with its
roster ("28/30 已确认 + 3 候补"), registration by phone, walk-ins, moves, check-in by ticking the
roster, the door's QR sign, headcounts, and the statistics with their export.

Every object is loaded through ``policy.fetch_or_404`` (missing and forbidden look the same);
every write goes through ``activities.services``.
"""

from __future__ import annotations

from io import BytesIO

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from confidentiality import policy
from confidentiality.services import audit_list_read, audit_record
from core.selectors import centre_profile
from lib.forms import apply_validation_error
from lib.pdf import render_pdf
from lib.spreadsheets import append_row, xlsx_bytes, xlsx_workbook
from lib.urls import absolute_reverse
from lib.views import errors_as_messages
from orgs.models import ServiceSite, UnitKind

from . import services
from .forms import (
    ActivityForm,
    FamilyForm,
    HeadcountForm,
    MoveForm,
    PhoneRegistrationForm,
    ReasonForm,
    StatisticsForm,
    SummaryForm,
)
from .models import Activity, Family, Registration
from .selectors import (
    activities_for_list,
    activity_feedback,
    activity_for_page,
    activity_statistics,
    families_for_list,
    families_progress,
    family_progress,
    label_statistics,
    roster,
    seats_summary,
)

PAGE_SIZE = 30


def _require_organiser(user) -> None:
    if not policy.can_organise_activities(user):
        raise PermissionDenied


def _managed(request, pk) -> Activity:
    activity = activity_for_page(user=request.user, pk=pk)
    if not policy.can_manage_activity(request.user, activity):
        raise Http404
    return activity


def _form_choices(user):
    sites = ServiceSite.objects.filter(is_active=True, org_unit__in=policy.scope_units(user))
    units = policy.scope_units(user).order_by("path")
    speakers = User.objects.filter(is_active=True, org_unit__in=policy.scope_units(user)).order_by(
        "full_name"
    )
    return {"sites": sites, "units": units, "speakers": speakers}


@login_required
@require_http_methods(["GET"])
def activity_list(request):
    user = request.user
    _require_organiser(user)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    rows = activities_for_list(
        user=user,
        kind=kind if kind in Activity.Kind.values else "",
        status=status if status in Activity.Status.values else "",
        query=request.GET.get("q", "")[:50],
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for activity in page:
        activity.seats_text = seats_summary(activity)
    audit_list_read(
        actor=user, object_type="activities.activity", page="activities", ids=[a.pk for a in page]
    )
    return render(
        request,
        "activities/list.html",
        {
            "page": page,
            "kinds": Activity.Kind.choices,
            "statuses": Activity.Status.choices,
            "filters": request.GET,
            "may_see_statistics": policy.can_see_activity_statistics(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    user = request.user
    _require_organiser(user)
    form = ActivityForm(request.POST or None, **_form_choices(user))
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=user, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The activity is saved as a draft. Publish it when it is ready."))
            return redirect("activities:detail", pk=activity.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = _managed(request, pk)
    if not Activity.ACTIONS.allows(activity, "edit"):
        raise PermissionDenied
    form = ActivityForm(request.POST or None, instance=activity, **_form_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(actor=request.user, activity=activity, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("activities:detail", pk=activity.pk)
        activity.refresh_from_db()
    status = 400 if request.method == "POST" else 200
    return render(request, "activities/form.html", {"form": form, "activity": activity}, status=status)


def _detail(request, activity: Activity, *, status: int = 200, **forms):
    people = roster(activity)
    audit_record(
        actor=request.user,
        action="activity.roster_viewed",
        obj=activity,
        details={
            "registrations": len(people["confirmed"]) + len(people["waiting"]) + len(people["requested"])
        },
    )
    context = {
        "activity": activity,
        "seats_text": seats_summary(activity),
        "roster": people,
        "feedback": activity_feedback(activity),
        "door_link": absolute_reverse("portal:activity_door", activity.checkin_token, request=request),
        "registration_form": forms.get("registration_form") or PhoneRegistrationForm(activity=activity),
        "walk_in_form": forms.get("walk_in_form") or PhoneRegistrationForm(activity=activity, prefix="walk"),
        "headcount_form": forms.get("headcount_form") or HeadcountForm(activity=activity),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
        "summary_form": forms.get("summary_form") or SummaryForm(),
        "move_form": MoveForm(),
    }
    return render(request, "activities/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def activity_detail(request, pk: int):
    return _detail(request, _managed(request, pk))


ACTIVITY_ACTIONS = {
    "publish": (
        services.activity_publish,
        gettext_lazy("The activity is published: it is on the portal now."),
    ),
    "close_registration": (services.activity_close_registration, gettext_lazy("Registration is closed.")),
    "reopen_registration": (
        services.activity_reopen_registration,
        gettext_lazy("Registration is open again."),
    ),
    "hold": (
        services.activity_hold,
        gettext_lazy("The activity is marked held; those who did not come are recorded."),
    ),
}


@login_required
@require_POST
def activity_action(request, pk: int, action: str):
    activity = _managed(request, pk)
    user = request.user
    try:
        if action in ACTIVITY_ACTIONS:
            service, done = ACTIVITY_ACTIONS[action]
            service(actor=user, activity=activity)
        elif action == "cancel":
            form = ReasonForm(request.POST, prefix="cancel")
            reason = form.data.get("cancel-reason", "")
            services.activity_cancel(actor=user, activity=activity, reason=reason)
            done = _("The activity is cancelled; everyone registered is told.")
        elif action == "summarise":
            services.activity_summarise(
                actor=user, activity=activity, summary=request.POST.get("summary", "")
            )
            done = _("The summary is saved.")
        elif action == "feedback":
            issued = services.activity_feedback_issue(actor=user, activity=activity)
            done = _("%(n)s feedback links sent.") % {"n": issued}
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("activities:detail", pk=activity.pk)
    messages.success(request, done)
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def registration_add(request, pk: int):
    """Registration by phone (staff type it in) or a walk-in at the door."""
    activity = _managed(request, pk)
    walk_in = request.POST.get("channel") == Registration.Channel.WALK_IN
    form = PhoneRegistrationForm(request.POST, activity=activity, prefix="walk" if walk_in else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                actor=request.user,
                activity=activity,
                name=data["name"],
                phone=data["phone"],
                guardian_name=data["guardian_name"],
                audience_group=data.get("audience_group") or "",
                channel=Registration.Channel.WALK_IN if walk_in else Registration.Channel.PHONE,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": registration.name, "status": registration.get_status_display()},
            )
            return redirect("activities:detail", pk=activity.pk)
    key = "walk_in_form" if walk_in else "registration_form"
    return _detail(request, activity, status=400, **{key: form})


@login_required
@require_POST
def registration_action(request, pk: int, action: str):
    registration = policy.fetch_or_404(
        request.user,
        Registration,
        queryset=Registration.objects.select_related("activity__site__org_unit"),
        pk=pk,
    )
    activity = registration.activity
    if not policy.can_manage_activity(request.user, activity):
        raise Http404
    user = request.user
    try:
        if action == "check_in":
            services.registration_check_in(actor=user, registration=registration)
        elif action == "cancel":
            services.registration_cancel(actor=user, registration=registration)
        elif action in ("approve", "reject"):
            services.registration_decide(actor=user, registration=registration, approve=action == "approve")
        elif action == "move":
            form = MoveForm(request.POST)
            if not form.is_valid():
                errors_as_messages(request, form)
                return redirect("activities:detail", pk=activity.pk)
            services.registration_move(actor=user, registration=registration, **form.cleaned_data)
        else:
            raise Http404
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("activities:detail", pk=activity.pk)
    messages.success(request, _("%(name)s: done.") % {"name": registration.name})
    return redirect(reverse("activities:detail", args=[activity.pk]) + "#roster")


@login_required
@require_POST
def roster_check_in(request, pk: int):
    """The roster ticked on paper or on screen: check in every ticked seat holder."""
    activity = _managed(request, pk)
    # A tampered form may send anything: what is not a row id (digits, at most 18 of them, so
    # that the database can compare it) ticks nobody.
    ids = [int(v) for v in request.POST.getlist("present") if v.isdigit() and len(v) <= 18]
    rows = activity.registrations.filter(pk__in=ids)
    done, refused = 0, []
    for registration in rows:
        try:
            services.registration_check_in(actor=request.user, registration=registration)
            done += 1
        except ValidationError as exc:
            refused.extend(exc.messages)
    for message in refused:
        messages.error(request, message)
    messages.success(request, _("%(n)s people checked in.") % {"n": done})
    return redirect(reverse("activities:detail", args=[activity.pk]) + "#roster")


@login_required
@require_POST
def headcount_add(request, pk: int):
    activity = _managed(request, pk)
    form = HeadcountForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            services.headcount_record(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The headcount is saved."))
            return redirect("activities:detail", pk=activity.pk)
    return _detail(request, activity, status=400, headcount_form=form)


@login_required
@require_http_methods(["GET"])
def door_sign(request, pk: int):
    """The printable sign for the door: the QR code that opens the check-in page."""
    activity = _managed(request, pk)
    link = absolute_reverse("portal:activity_door", activity.checkin_token, request=request)
    return render(request, "activities/door_sign.html", {"activity": activity, "door_link": link})


@login_required
@require_http_methods(["GET"])
def door_qr(request, pk: int):
    activity = _managed(request, pk)
    link = absolute_reverse("portal:activity_door", activity.checkin_token, request=request)
    buffer = BytesIO()
    qrcode.make(link, box_size=12, border=4).save(buffer, format="PNG")
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Statistics


def _statistics(request):
    user = request.user
    if not policy.can_see_activity_statistics(user):
        raise PermissionDenied
    form = StatisticsForm(request.GET or {"year": timezone.localdate().year})
    year = month = None
    if form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    result = activity_statistics(user=user, year=year, month=month)
    label_statistics(result["rows"])
    return form, result


@login_required
@require_http_methods(["GET"])
def statistics(request):
    form, result = _statistics(request)
    return render(request, "activities/statistics.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET"])
def statistics_export(request):
    _form, result = _statistics(request)
    workbook = xlsx_workbook()
    sheet = workbook.active
    sheet.title = _("Activities")
    append_row(
        sheet,
        [
            _("Month"),
            _("Type"),
            _("Audience group"),
            _("Unit"),
            _("Sessions held"),
            _("Attendances (人次)"),
            _("People (人数)"),
        ],
    )
    for row in result["rows"]:
        append_row(
            sheet,
            [
                row.month,
                row.kind_label,
                row.group_label,
                row.unit_name,
                row.sessions,
                row.person_times,
                row.persons,
            ],
        )
    append_row(sheet, [_("Total"), "", "", "", result["sessions"], result["person_times"], result["persons"]])
    audit_record(
        actor=request.user, action="activity.statistics_exported", details={"rows": len(result["rows"])}
    )
    response = HttpResponse(
        xlsx_bytes(workbook), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="activities-statistics.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# The parent school (PRG-7)


def _schools(user):
    return policy.scope_units(user).filter(kind=UnitKind.SCHOOL).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def family_list(request):
    user = request.user
    _require_organiser(user)
    form = FamilyForm(request.POST or None, schools=_schools(user))
    if request.method == "POST" and form.is_valid():
        try:
            family = services.family_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The family is registered."))
            return redirect("activities:family", pk=family.pk)
    year = timezone.localdate().year
    rows = families_progress(families_for_list(user=user)[:200], year=year)
    audit_list_read(
        actor=user, object_type="activities.family", page="parent_school", ids=[p.family.pk for p in rows]
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request, "activities/families.html", {"rows": rows, "form": form, "year": year}, status=status
    )


def _family(request, pk) -> Family:
    return policy.fetch_or_404(
        request.user,
        Family,
        queryset=Family.objects.select_related("school").prefetch_related("students"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET"])
def family_detail(request, pk: int):
    family = _family(request, pk)
    year = timezone.localdate().year
    progress = family_progress(family, year=year)
    credits = family.credits.filter(year=year).select_related("activity")
    return render(
        request, "activities/family.html", {"progress": progress, "credits": credits, "family": family}
    )


@login_required
@require_http_methods(["GET"])
def family_certificate(request, pk: int):
    """The completion certificate (PDF, Chinese), only once the family has met its target."""
    family = _family(request, pk)
    year = timezone.localdate().year
    if request.GET.get("year", "").isdigit() and 2000 <= int(request.GET["year"]) <= 2100:
        year = int(request.GET["year"])
    progress = family_progress(family, year=year)
    if not progress.met:
        messages.error(request, _("The certificate is issued once the family has met the year's target."))
        return redirect("activities:family", pk=family.pk)
    html = render_to_string(
        "activities/certificate.html",
        {"progress": progress, "family": family, "centre": centre_profile(), "today": timezone.localdate()},
    )
    audit_record(actor=request.user, action="family.certificate", obj=family, details={"year": year})
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="parent-school-certificate-{family.pk}-{year}.pdf"'
    )
    return response
