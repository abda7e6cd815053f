"""Staff pages of an activity: the list, create and edit, the activity's page with its roster
("28/30 已确认 + 3 候补"), its state actions, and the door's QR sign.

Every object is loaded through ``policy.fetch_or_404`` or the helpers here; every write goes
through ``activities.services``.
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from activities import services
from activities.forms import (
    ActivityForm,
    ReasonForm,
)
from activities.models import Activity
from activities.selectors import (
    activities_for_list,
    seats_summary,
)
from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from lib.urls import absolute_reverse

from .common import (
    PAGE_SIZE,
    _detail,
    _form_choices,
    _managed,
    _require_organiser,
)


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
