"""Staff pages of the hotline and online-consultation log (SVC-9): the log with its filters, a
fast entry form with the risk check at the top, and one entry. Entries load through
policy.fetch_or_404; the list starts from policy.filter_hotline_entries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_list_read
from core.selectors import centre_profile
from lib.forms import apply_validation_error
from workflow.forms.hotline import HotlineEntryForm, HotlineFilterForm
from workflow.models import Case, HotlineEntry
from workflow.permissions import LOG_HOTLINE
from workflow.selectors.hotline import hotline_entries
from workflow.services import hotline as services


@login_required
@require_http_methods(["GET"])
def hotline_list(request):
    user = request.user
    policy.require_permission(user, LOG_HOTLINE)
    form = HotlineFilterForm(request.GET or None)
    entries = HotlineEntry.objects.none()
    if form.is_valid():
        data = form.cleaned_data
        entries = hotline_entries(
            user=user,
            channel=data["channel"],
            topic=data["topic"],
            risk_positive=data["risk"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    elif not request.GET:
        entries = hotline_entries(user=user)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    audit_list_read(actor=user, object_type="workflow.hotlineentry", page="hotline", ids=[e.pk for e in page])
    context = {"form": form, "page": page, "filters": request.GET}
    template = "workflow/hotline/_rows.html" if request.htmx else "workflow/hotline/list.html"
    return render(request, template, context)


def _linked(user, form: HotlineEntryForm) -> tuple[Resident | None, Case | None]:
    """The resident and case the entry names, among those the person sees; a number that is
    missing and one out of reach get the same message, so the form reveals nothing."""
    resident = case = None
    number = form.cleaned_data["case_number"].strip()
    if number:
        case = (
            policy.filter_cases(user, Case.objects.filter(number=number)).select_related("resident").first()
        )
        if case is None:
            raise ValidationError({"case_number": _("None of the cases you can see has this number.")})
    if form.cleaned_data["resident"]:
        residents = Resident.objects.filter(pk=form.cleaned_data["resident"])
        resident = policy.filter_residents(user, residents).first()
        if resident is None:
            raise ValidationError(_("You can link only a resident you can see."))
    return resident, case


def _shown_resident(user, form: HotlineEntryForm) -> Resident | None:
    raw = str(form["resident"].value() or "")
    if not raw.isdigit():
        return None
    return policy.filter_residents(user, Resident.objects.filter(pk=int(raw))).first()


@login_required
@require_http_methods(["GET", "POST"])
def hotline_create(request):
    user = request.user
    policy.require_permission(user, LOG_HOTLINE)
    initial = {}
    raw_resident = request.GET.get("resident", "")
    if raw_resident.isdigit():
        initial["resident"] = policy.fetch_or_404(user, Resident, pk=int(raw_resident)).pk
    form = HotlineEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("case_number")
        data.pop("resident")
        try:
            resident, case = _linked(user, form)
            entry = services.hotline_entry_record(actor=user, resident=resident, case=case, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if entry.risk_immediate_danger:
                messages.error(
                    request, _("The caller is in immediate danger: start crisis intervention now.")
                )
            elif entry.risk_positive:
                messages.warning(
                    request, _("The risk check is positive: a risk signal was raised for the crisis team.")
                )
            else:
                messages.success(request, _("The entry is logged."))
            return redirect("workflow:hotline_detail", pk=entry.pk)
    context = {"form": form, "linked_resident": _shown_resident(user, form), "centre": centre_profile()}
    return render(request, "workflow/hotline/form.html", context)


@login_required
@require_http_methods(["GET"])
def hotline_detail(request, pk: int):
    queryset = policy.annotate_hotline_links(
        request.user, HotlineEntry.objects.select_related("recorded_by", "resident", "case", "signal")
    )
    entry = policy.fetch_or_404(request.user, HotlineEntry, queryset=queryset, pk=pk)
    services.hotline_entry_record_view(actor=request.user, entry=entry)
    context = {"entry": entry, "centre": centre_profile()}
    return render(request, "workflow/hotline/detail.html", context)
