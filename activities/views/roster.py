"""The roster: registration by phone, walk-ins, approvals, moves, cancelling, check-in by ticking
the roster, and headcounts where names are not taken.

Every object is loaded through ``policy.fetch_or_404`` or the helpers here; every write goes
through ``activities.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import services
from activities.forms import (
    HeadcountForm,
    MoveForm,
    PhoneRegistrationForm,
)
from activities.models import Registration
from confidentiality import policy
from lib.forms import apply_validation_error
from lib.views import errors_as_messages

from .common import (
    _detail,
    _managed,
)


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
