"""Staff pages of the watch list (CRI-4, 重点关注人群).

The list is for those who handle alerts (403 for everyone else); which entries it shows is
policy.filter_watch_entries, and every entry loads through policy.fetch_or_404, so an entry out of
reach is a 404 for every action alike. Adding someone starts from their archive
(``?resident=<pk>``): a person whose clinical content one does not see is out of reach (404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_list_read
from crisis.forms.watch import WatchAddForm, WatchFilterForm, WatchRemoveForm, WatchReviewForm
from crisis.models import WatchListEntry
from crisis.permissions import HANDLE_ALERTS
from crisis.selectors import watch as selectors
from crisis.services import watch as services
from lib.views import submit_form

PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------
# The list


def _row_forms(entry: WatchListEntry, bound: dict) -> dict:
    forms = bound.get(entry.pk, {})
    return {
        "review_form": forms.get("review")
        or WatchReviewForm(entry=entry, initial={"next_review_on": services.first_review_on()}),
        "remove_form": forms.get("remove") or WatchRemoveForm(entry=entry),
    }


def _list(request, *, status: int = 200, bound: dict | None = None):
    """The list page (or, for HTMX, its rows); ``bound`` holds a row's failed forms, by entry."""
    user = request.user
    bound = bound or {}
    form = WatchFilterForm(
        request.GET or None,
        units=selectors.watch_list_units(user=user),
        base_depth=user.org_unit.depth if user.org_unit_id else 1,
    )
    unit = form.cleaned_data.get("unit") if form.is_valid() else None
    page = Paginator(selectors.watch_list(user=user, unit=unit), PAGE_SIZE).get_page(request.GET.get("page"))
    # The watch list names people at risk: which entries were shown is audited, never names or reasons.
    audit_list_read(
        actor=user,
        object_type="crisis.watchlistentry",
        page="watch_list",
        ids=[entry.pk for entry in page],
        filters={"unit": unit.pk if unit is not None else ""},
    )
    rows = [{"entry": entry, **_row_forms(entry, bound)} for entry in page]
    shown = {row["entry"].pk for row in rows}
    for entry_pk, forms in bound.items():
        if entry_pk not in shown:
            # The entry is not on this page any more: its errors are said at the top.
            for failed in forms.values():
                for errors in failed.errors.values():
                    for error in errors:
                        messages.error(request, error)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "today": timezone.localdate(),
        "filters": {"unit": unit.pk} if unit is not None else {},
    }
    template = "crisis/watch_rows.html" if request.htmx else "crisis/watch_list.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET"])
def watch_list(request):
    policy.require_permission(request.user, HANDLE_ALERTS)
    return _list(request)


# ---------------------------------------------------------------------------------------------
# Adding someone by hand


@login_required
@require_http_methods(["GET", "POST"])
def watch_add(request):
    user = request.user
    policy.require_permission(user, HANDLE_ALERTS)
    if not request.GET.get("resident"):
        messages.error(request, _("Open the person's archive and put them on the watch list from there."))
        return redirect("crisis:watch_list")
    resident = policy.fetch_or_404(
        user,
        Resident,
        queryset=Resident.objects.select_related("archive"),
        policy_filter=policy.filter_clinical_residents,
        pk=request.GET["resident"],
    )
    if not policy.can_add_to_watch_list(user, resident):
        raise PermissionDenied
    existing = selectors.active_watch_entry(user=user, resident=resident)
    if existing is not None:
        messages.info(request, _("%(name)s is already on the watch list.") % {"name": resident.name})
        return redirect("crisis:watch_list")
    form = WatchAddForm(request.POST or None, initial={"review_on": services.first_review_on()})
    status = 200
    if request.method == "POST":
        status = 400
        response = submit_form(
            request,
            form,
            run=lambda data: services.watch_entry_add(actor=user, resident=resident, **data),
            done=_("%(name)s is on the watch list.") % {"name": resident.name},
            success_url=reverse("crisis:watch_list"),
        )
        if response is not None:
            return response
    return render(request, "crisis/watch_add.html", {"form": form, "resident": resident}, status=status)


# ---------------------------------------------------------------------------------------------
# Reviewing and removing an entry


def _act(request, pk: int, *, name: str, form_class, run, done: str):
    """One action on an entry: load it under the policy, validate the form, call the service.

    A ValidationError from the service goes back on the row's form (status 400); nothing is written.
    """
    entry = selectors.watch_entry_for_page(user=request.user, pk=pk)
    form = form_class(request.POST, entry=entry)
    response = submit_form(
        request,
        form,
        run=lambda data: run(entry, data),
        done=done % {"name": entry.resident.name},
        success_url=reverse("crisis:watch_list"),
    )
    if response is not None:
        return response
    return _list(request, status=400, bound={entry.pk: {name: form}})


@login_required
@require_POST
def watch_review(request, pk: int):
    return _act(
        request,
        pk,
        name="review",
        form_class=WatchReviewForm,
        run=lambda entry, data: services.watch_entry_review(
            actor=request.user, entry=entry, next_review_on=data["next_review_on"], note=data["note"]
        ),
        done=_("The review of %(name)s is recorded."),
    )


@login_required
@require_POST
def watch_remove(request, pk: int):
    return _act(
        request,
        pk,
        name="remove",
        form_class=WatchRemoveForm,
        run=lambda entry, data: services.watch_entry_remove(
            actor=request.user, entry=entry, reason=data["reason"]
        ),
        done=_("%(name)s is no longer on the watch list."),
    )
