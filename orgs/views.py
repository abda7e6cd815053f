"""Screens for the organisation tree (ORG-1) and service sites, rooms and hours (ORG-2)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.dates import in_range
from lib.forms import apply_validation_error

from . import services
from .forms import (
    DutyExceptionForm,
    DutyShiftEndForm,
    DutyShiftForm,
    OpeningHoursForm,
    OrgUnitCreateForm,
    OrgUnitEditForm,
    RoomForm,
    ServiceSiteForm,
)
from .models import DutyException, DutyShift, OpeningHours, OrgUnit, Room, ServiceSite
from .permissions import MANAGE_ORG_TREE, MANAGE_ROSTER, MANAGE_SITES, VIEW_ORG_TREE, VIEW_ROSTER
from .selectors import (
    duty_between,
    duty_exception_clashes,
    org_tree_for,
    roster_exceptions,
    roster_shifts,
    roster_staff,
    sites_with_rooms_and_hours,
)


@login_required
@require_http_methods(["GET"])
def org_tree(request):
    policy.require_permission(request.user, VIEW_ORG_TREE)
    units = policy.filter_org_units(request.user, OrgUnit.objects.all())
    return render(
        request,
        "orgs/tree.html",
        {"tree": org_tree_for(units=units), "can_manage": policy.can_manage_org_units(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def org_unit_add(request):
    policy.require_permission(request.user, MANAGE_ORG_TREE)
    parent = None
    parent_id = request.GET.get("parent") or request.POST.get("parent")
    if parent_id:
        parent = policy.fetch_or_404(request.user, OrgUnit, pk=parent_id)
    form = OrgUnitCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.org_unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": unit.name})
            if request.htmx:
                return HttpResponseClientRedirect(reverse("orgs:tree"))
            return redirect("orgs:tree")
    template = "orgs/_unit_form.html" if request.htmx else "orgs/unit_form.html"
    return render(request, template, {"form": form, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def org_unit_edit(request, pk: int):
    policy.require_permission(request.user, MANAGE_ORG_TREE)
    unit = policy.fetch_or_404(request.user, OrgUnit, pk=pk)
    initial = {"name": unit.name, "code": unit.code, "is_active": unit.is_active}
    form = OrgUnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": unit.name})
            return redirect("orgs:tree")
    return render(request, "orgs/unit_edit.html", {"form": form, "unit": unit})


# ---------------------------------------------------------------------------------------------
# Service sites


def _site_units(user):
    return policy.filter_org_units(user, OrgUnit.objects.filter(is_active=True)).order_by("path")


@login_required
@require_http_methods(["GET"])
def site_list(request):
    policy.require_permission(request.user, VIEW_ORG_TREE)
    sites = sites_with_rooms_and_hours(
        sites=policy.filter_service_sites(request.user, ServiceSite.objects.all())
    )
    return render(
        request, "orgs/site_list.html", {"sites": sites, "can_manage": policy.can_manage_sites(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request):
    policy.require_permission(request.user, MANAGE_SITES)
    form = ServiceSiteForm(request.POST or None, units=_site_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        try:
            site = services.service_site_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The site has been added; now add its rooms and hours."))
            return redirect("orgs:site_detail", pk=site.pk)
    return render(request, "orgs/site_form.html", {"form": form})


def _managed_site(request, pk: int) -> ServiceSite:
    policy.require_permission(request.user, MANAGE_SITES)
    site = policy.fetch_or_404(request.user, ServiceSite, pk=pk)
    if not policy.can_manage_site(request.user, site):
        raise PermissionDenied
    return site


@login_required
@require_http_methods(["GET"])
def site_detail(request, pk: int):
    policy.require_permission(request.user, VIEW_ORG_TREE)
    site = policy.fetch_or_404(
        request.user, ServiceSite, queryset=sites_with_rooms_and_hours(sites=ServiceSite.objects.all()), pk=pk
    )
    return render(request, "orgs/site_detail.html", _site_context(request, site))


def _site_context(request, site, *, room_form=None, hours_form=None):
    return {
        "site": site,
        "can_manage": policy.can_manage_site(request.user, site),
        "room_form": room_form or RoomForm(),
        "hours_form": hours_form or OpeningHoursForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def site_edit(request, pk: int):
    site = _managed_site(request, pk)
    initial = {
        "name": site.name,
        "org_unit": site.org_unit,
        "address": site.address,
        "phone": site.phone,
        "is_active": site.is_active,
    }
    form = ServiceSiteForm(request.POST or None, initial=initial, units=_site_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_site_update(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The site has been saved."))
            return redirect("orgs:site_detail", pk=site.pk)
    return render(request, "orgs/site_form.html", {"form": form, "site": site})


SECTION_TEMPLATES = {"room": "rooms", "hours": "hours"}


def _render_site_part(request, site, part: str, **forms):
    """After an HTMX change, re-render only the changed section; otherwise the whole page."""
    site = ServiceSite.objects.prefetch_related("rooms", "opening_hours").get(pk=site.pk)
    context = _site_context(request, site, **forms)
    if request.htmx:
        return render(request, f"orgs/_site_{SECTION_TEMPLATES[part]}.html", context)
    return render(request, "orgs/site_detail.html", context)


def _add_to_site(request, pk: int, *, form_class, create, part: str):
    """Shared by the room and hours forms: validate, call the service, re-render the section."""
    site = _managed_site(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            create(actor=request.user, site=site, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if not request.htmx:
                return redirect("orgs:site_detail", pk=site.pk)
            form = None
    return _render_site_part(request, site, part, **{f"{part}_form": form})


@login_required
@require_POST
def room_add(request, pk: int):
    return _add_to_site(request, pk, form_class=RoomForm, create=services.room_create, part="room")


@login_required
@require_POST
def room_toggle(request, pk: int, room_pk: int):
    site = _managed_site(request, pk)
    # The site went through the policy; its rooms are reached only through it.
    room = get_object_or_404(Room, site=site, pk=room_pk)
    services.room_update(
        actor=request.user,
        room=room,
        name=room.name,
        kind=room.kind,
        capacity=room.capacity,
        is_active=not room.is_active,
    )
    return _render_site_part(request, site, "room")


@login_required
@require_POST
def hours_add(request, pk: int):
    return _add_to_site(
        request, pk, form_class=OpeningHoursForm, create=services.opening_hours_add, part="hours"
    )


@login_required
@require_POST
def hours_remove(request, pk: int, hours_pk: int):
    site = _managed_site(request, pk)
    hours = get_object_or_404(OpeningHours, site=site, pk=hours_pk)
    services.opening_hours_remove(actor=request.user, hours=hours)
    return _render_site_part(request, site, "hours")


# ---------------------------------------------------------------------------------------------
# Duty roster (ORG-3)


def _roster_rooms(user):
    sites = policy.filter_service_sites(user, ServiceSite.objects.filter(is_active=True))
    return (
        Room.objects.filter(is_active=True, site__in=sites)
        .select_related("site")
        .order_by("site__name", "name")
    )


def _end_form(shift_pk: int, data=None, **kwargs) -> DutyShiftEndForm:
    form = DutyShiftEndForm(data, auto_id=f"id_end_{shift_pk}_%s", **kwargs)
    form.shift_pk = shift_pk
    return form


def _week_start(request) -> date:
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = timezone.localdate()
    if not in_range(day):  # a typed 0001-01-01 would overflow the week arithmetic
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


def _roster_context(request, **forms) -> dict:
    user = request.user
    today = timezone.localdate()
    monday = _week_start(request)
    sunday = monday + timedelta(days=6)
    sites = policy.filter_service_sites(user, ServiceSite.objects.all())
    week = duty_between(first_day=monday, last_day=sunday, sites=sites)
    can_manage = policy.can_manage_roster(user)
    pattern = roster_shifts(shifts=policy.filter_duty_shifts(user, DutyShift.objects.all()), today=today)
    context = {
        "today": today,
        "monday": monday,
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "week": list(week.items()),
        # The same objects the end-of-shift forms are attached to below.
        "pattern": pattern,
        "exceptions": roster_exceptions(
            exceptions=policy.filter_duty_exceptions(user, DutyException.objects.all()), today=today
        ),
        "can_manage": can_manage,
    }
    if can_manage:
        staff, rooms = roster_staff(user=user), _roster_rooms(user)
        context.update(
            shift_form=forms.get("shift_form")
            or DutyShiftForm(staff=staff, rooms=rooms, initial={"valid_from": today}),
            exception_form=forms.get("exception_form") or DutyExceptionForm(staff=staff, rooms=rooms),
        )
        failed = forms.get("end_form")
        for _weekday, shifts in pattern:
            for shift in shifts:
                # One small form per shift, with its own element ids.
                shift.end_form = (
                    failed
                    if failed is not None and failed.shift_pk == shift.pk
                    else _end_form(shift.pk, initial={"last_day": today})
                )
    return context


@login_required
@require_http_methods(["GET"])
def roster(request):
    policy.require_permission(request.user, VIEW_ROSTER)
    return render(request, "orgs/roster.html", _roster_context(request))


def _roster_manager(request) -> None:
    policy.require_permission(request.user, MANAGE_ROSTER)


@login_required
@require_POST
def roster_shift_add(request):
    _roster_manager(request)
    form = DutyShiftForm(
        request.POST, staff=roster_staff(user=request.user), rooms=_roster_rooms(request.user)
    )
    if form.is_valid():
        try:
            services.duty_shift_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The shift has been added to the roster."))
            return redirect("orgs:roster")
    return render(request, "orgs/roster.html", _roster_context(request, shift_form=form))


@login_required
@require_POST
def roster_shift_end(request, pk: int):
    _roster_manager(request)
    shift = policy.fetch_or_404(request.user, DutyShift, pk=pk)
    form = _end_form(shift.pk, request.POST)
    if form.is_valid():
        try:
            ended = services.duty_shift_end(actor=request.user, shift=shift, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if ended is None:
                messages.success(request, _("The shift had not started yet; it has been removed."))
            else:
                messages.success(request, _("The shift ends on %(day)s.") % {"day": ended.valid_until})
            return redirect("orgs:roster")
    return render(request, "orgs/roster.html", _roster_context(request, end_form=form))


@login_required
@require_POST
def roster_exception_add(request):
    _roster_manager(request)
    form = DutyExceptionForm(
        request.POST, staff=roster_staff(user=request.user), rooms=_roster_rooms(request.user)
    )
    clashes = []
    if form.is_valid():
        try:
            services.duty_exception_add(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
            # What the period hits, shown beside the question the service asked about it.
            clashes = duty_exception_clashes(actor=request.user, **form.cleaned_data)
            for source in sorted({clash.source for clash in clashes}):
                audit_list_read(
                    actor=request.user,
                    object_type=source,
                    page="roster clashes",
                    ids=[clash.pk for clash in clashes if clash.source == source],
                )
        else:
            messages.success(request, _("The exception has been added to the roster."))
            return redirect("orgs:roster")
    context = _roster_context(request, exception_form=form)
    context["clashes"] = clashes
    return render(request, "orgs/roster.html", context)


@login_required
@require_POST
def roster_exception_remove(request, pk: int):
    _roster_manager(request)
    exception = policy.fetch_or_404(request.user, DutyException, pk=pk)
    services.duty_exception_remove(actor=request.user, exception=exception)
    messages.success(request, _("The exception has been removed."))
    return redirect("orgs:roster")
