"""Staff pages of the outbox (PRT-2): every message the system has sent or will send.

Rows come through ``policy.filter_notifications``: staff see messages to themselves and about
appointments they see; the director sees all. A message body can name a resident, so
opening one is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confidentiality import policy
from confidentiality.services import audit_list_read

from .forms import OutboxFilterForm, UnreachableForm
from .models import Notification
from .selectors import outbox_for, relay_worklist
from .services import notification_mark_relayed, notification_mark_unreachable, notification_record_read

PAGE_SIZE = 50


@login_required
@require_http_methods(["GET"])
def outbox(request):
    user = request.user
    if not policy.is_active_staff(user):
        raise PermissionDenied
    form = OutboxFilterForm(request.GET or None)
    rows = Notification.objects.none()
    if form.is_valid():
        rows = outbox_for(user=user, **form.cleaned_data)
    elif not request.GET:
        rows = outbox_for(user=user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filters": request.GET}
    template = "notifications/_outbox_rows.html" if request.htmx else "notifications/outbox.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET"])
def detail(request, pk: int):
    notification = policy.fetch_or_404(
        request.user,
        Notification,
        queryset=Notification.objects.select_related("recipient_user", "relayed_by"),
        pk=pk,
    )
    notification_record_read(actor=request.user, notification=notification)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
@require_http_methods(["GET"])
def relay_list(request):
    """待电话转达: who to phone, at which number, with which text, oldest first."""
    if not policy.may_relay_messages(request.user):
        # Like a missing page: the list's existence tells nothing to those who may not use it.
        raise Http404
    rows = relay_worklist(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page shows phone numbers and message bodies: which rows were shown to whom is audited.
    audit_list_read(
        actor=request.user,
        object_type=Notification._meta.label_lower,
        page="relay list",
        ids=[n.pk for n in page.object_list],
        filters={"page": page.number},
    )
    context = {"page": page, "count": page.paginator.count}
    return render(request, "notifications/relay_list.html", context)


@login_required
@require_POST
def mark_relayed(request, pk: int):
    notification = policy.fetch_or_404(
        request.user, Notification, policy_filter=policy.filter_relay_worklist, pk=pk
    )
    try:
        notification_mark_relayed(actor=request.user, notification=notification)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded as relayed by phone."))
    return redirect("notifications:relay_list")


@login_required
@require_POST
def mark_unreachable(request, pk: int):
    notification = policy.fetch_or_404(
        request.user, Notification, policy_filter=policy.filter_relay_worklist, pk=pk
    )
    form = UnreachableForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("notifications:relay_list")
    try:
        notification_mark_unreachable(actor=request.user, notification=notification, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recorded as not reachable; the message has left the list."))
    return redirect("notifications:relay_list")
