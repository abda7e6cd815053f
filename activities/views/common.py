"""What the staff pages of activities share: loading an activity the user manages (missing and
forbidden look the same, 404), the form's choices in the user's scope, and the activity's page.

Every object is loaded through ``policy.fetch_or_404`` or the helpers here; every write goes
through ``activities.services``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from accounts.models import User
from activities.forms import (
    HeadcountForm,
    MoveForm,
    PhoneRegistrationForm,
    ReasonForm,
    SummaryForm,
)
from activities.models import Activity
from activities.selectors import (
    activity_feedback,
    activity_for_page,
    roster,
    seats_summary,
)
from confidentiality import policy
from confidentiality.services import audit_record
from lib.urls import absolute_reverse
from orgs.models import ServiceSite

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
