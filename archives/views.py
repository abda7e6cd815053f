"""Screens for residents and their archives: search, registration, the archive page, upkeep, the
access list, export and anonymisation. Consent, disclosures, access requests and break-the-glass
have their screens in confidentiality/views.py; the archive page links to them.

Every object is loaded through confidentiality.policy.fetch_or_404; what a page shows of clinical
content is decided by the policy (can_see_clinical), never by the template alone.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confidentiality import policy
from confidentiality.models import AccessGrant
from confidentiality.permissions import RECORD_CONSENT, RECORD_DISCLOSURE, REQUEST_ACCESS
from lib.forms import apply_validation_error
from orgs.models import OrgUnit

from . import services
from .forms import (
    CorrectionForm,
    ExportForm,
    PaperLocationForm,
    ReasonForm,
    ResidentForm,
    ResponsibleForm,
    RiskLevelForm,
    SearchForm,
    StatusForm,
)
from .models import Archive, Resident
from .permissions import MANAGE_ARCHIVES, REGISTER_RESIDENTS, SET_RISK_LEVEL
from .selectors import (
    archive_access_list,
    archive_timeline,
    archives_due_for_review,
    clinical_archive_ids,
    consent_state,
    resident_search,
    responsible_candidates,
    risk_level_basis,
)


def _units(user):
    return policy.filter_org_units(user, OrgUnit.objects.filter(is_active=True)).order_by("path")


@login_required
@require_http_methods(["GET"])
def resident_list(request):
    user = request.user
    if not policy.can_search_residents(user):
        raise PermissionDenied
    form = SearchForm(request.GET or None, units=_units(user), show_risk=policy.sees_clinical_content(user))
    residents = Resident.objects.none()
    filters = {}
    if form.is_valid():
        filters = {key: value for key, value in form.cleaned_data.items() if value}
        residents = resident_search(
            user=user,
            query=form.cleaned_data.get("q", ""),
            org_unit=form.cleaned_data.get("org_unit"),
            tag=form.cleaned_data.get("tag", ""),
            risk_level=form.cleaned_data.get("risk_level", ""),
        )
    elif not request.GET:
        residents = resident_search(user=user)
    page = Paginator(residents, 25).get_page(request.GET.get("page"))
    services.resident_search_record(actor=user, filters=sorted(filters))
    clinical_ids = clinical_archive_ids(
        user=user, archives=[r.archive for r in page if hasattr(r, "archive")]
    )
    context = {
        "form": form,
        "page": page,
        "clinical_ids": clinical_ids,
        "filters": request.GET,
        "can_register": policy.has_permission(user, REGISTER_RESIDENTS),
    }
    template = "archives/_resident_rows.html" if request.htmx else "archives/resident_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def resident_register(request):
    user = request.user
    policy.require_permission(user, REGISTER_RESIDENTS)
    form = ResidentForm(request.POST or None, units=_units(user))
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.resident_register(actor=user, **form.cleaned_data)
        except services.DuplicateResident as duplicate:
            visible = policy.filter_residents(
                user, Resident.objects.filter(pk=duplicate.existing.pk)
            ).exists()
            if visible:
                messages.info(request, _("This person is already registered; here is their archive."))
                return redirect("archives:detail", pk=duplicate.existing.pk)
            form.add_error(
                None,
                _(
                    "A person with this document number or phone is already registered, outside your "
                    "scope. Nothing was created; ask the archive manager."
                ),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is registered, archive %(number)s.")
                % {"name": resident.name, "number": resident.archive.number},
            )
            return redirect("archives:detail", pk=resident.pk)
    return render(request, "archives/resident_form.html", {"form": form})


def _archive_context(request, resident: Resident, *, record_view: bool = True) -> dict:
    user = request.user
    archive = resident.archive
    basis = policy.clinical_basis(user, archive)
    if record_view:
        services.archive_record_view(actor=user, archive=archive, basis=basis)
    clinical = bool(basis)
    grant = None
    if basis in ("access_grant", "break_glass"):
        grant = (
            AccessGrant.objects.filter(requester=user, archive=archive, status=AccessGrant.Status.APPROVED)
            .order_by("-expires_at")
            .first()
        )
    return {
        "resident": resident,
        "archive": archive,
        "clinical": clinical,
        "basis": basis,
        "grant": grant,
        "tags": [tag.get_tag_display() for tag in resident.tags.all()],
        "consents": resident.consents.select_related("text", "recorded_by"),
        "valid_consents": consent_state(resident=resident),
        "responsible": archive.responsible.all(),
        "timeline": archive_timeline(user=user, archive=archive, clinical=clinical),
        "can_manage": policy.can_manage_archive(user, archive),
        "can_correct": policy.can_correct_resident(user, resident) and not resident.is_anonymised,
        "can_consent": policy.has_permission(user, RECORD_CONSENT),
        "can_set_risk": clinical and policy.has_permission(user, SET_RISK_LEVEL),
        "can_disclose": clinical and policy.has_permission(user, RECORD_DISCLOSURE),
        "can_assess": clinical and policy.can_assess_resident(user, resident),
        "can_see_access_list": policy.can_see_access_list(user, resident),
        "can_request": not clinical and policy.has_permission(user, REQUEST_ACCESS),
        "can_export": policy.can_export_archive(user, resident),
        "can_anonymise": policy.can_anonymise_resident(user, resident) and not resident.is_anonymised,
        "responsible_form": ResponsibleForm(
            initial={"staff": archive.responsible.all()}, candidates=responsible_candidates(user=user)
        ),
        "paper_form": PaperLocationForm(initial={"paper_location": archive.paper_location}),
        "risk_form": RiskLevelForm(initial={"level": archive.risk_level}),
        "risk_basis": risk_level_basis(archive=archive) if clinical else None,
    }


@login_required
@require_http_methods(["GET"])
def archive_detail(request, pk: int):
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    return render(request, "archives/archive_detail.html", _archive_context(request, resident))


@login_required
@require_http_methods(["GET"])
def archive_print(request, pk: int):
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    context = _archive_context(request, resident)
    services.archive_record_print(actor=request.user, archive=resident.archive)
    return render(request, "archives/archive_print.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resident_correct(request, pk: int):
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    if not policy.can_correct_resident(request.user, resident):
        raise PermissionDenied
    fields = [name for name in CorrectionForm.base_fields if name not in ("reason",)]
    initial = {name: getattr(resident, name) for name in fields if name != "tags"}
    form = CorrectionForm(request.POST or None, initial=initial, units=_units(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        changes = {name: value for name, value in data.items() if name in form.changed_data}
        try:
            corrections = services.resident_correct(
                actor=request.user, resident=resident, changes=changes, reason=reason
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if corrections:
                messages.success(
                    request, _("The correction is saved; the old values are kept in the history.")
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("archives:detail", pk=resident.pk)
    return render(request, "archives/resident_correct.html", {"form": form, "resident": resident})


def _managed_archive(request, pk: int) -> Archive:
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    policy.require_permission(request.user, MANAGE_ARCHIVES)
    if not policy.can_manage_archive(request.user, resident.archive):
        raise PermissionDenied
    return resident.archive


def _run(request, action, success: str, pk: int):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("archives:detail", pk=pk)


@login_required
@require_POST
def archive_responsible(request, pk: int):
    archive = _managed_archive(request, pk)
    form = ResponsibleForm(request.POST, candidates=responsible_candidates(user=request.user))
    if not form.is_valid():
        messages.error(request, _("Choose counsellors from the list."))
        return redirect("archives:detail", pk=pk)
    staff = list(form.cleaned_data["staff"])
    return _run(
        request,
        lambda: services.archive_set_responsible(actor=request.user, archive=archive, staff=staff),
        _("The responsible counsellors are saved."),
        pk,
    )


@login_required
@require_POST
def archive_paper_location(request, pk: int):
    archive = _managed_archive(request, pk)
    form = PaperLocationForm(request.POST)
    form.is_valid()
    location = form.cleaned_data.get("paper_location", "")
    return _run(
        request,
        lambda: services.archive_set_paper_location(
            actor=request.user, archive=archive, paper_location=location
        ),
        _("The paper archive location is saved."),
        pk,
    )


@login_required
@require_POST
def archive_status(request, pk: int):
    archive = _managed_archive(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown archive state."))
        return redirect("archives:detail", pk=pk)
    return _run(
        request,
        lambda: services.archive_change_status(
            actor=request.user,
            archive=archive,
            to_status=form.cleaned_data["to_status"],
            reason=form.cleaned_data["reason"],
        ),
        _("The archive state is changed."),
        pk,
    )


@login_required
@require_POST
def archive_risk(request, pk: int):
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    policy.require_permission(request.user, SET_RISK_LEVEL)
    if not policy.can_see_clinical(request.user, resident.archive):
        raise PermissionDenied
    form = RiskLevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a risk level and give the reason."))
        return redirect("archives:detail", pk=pk)
    return _run(
        request,
        lambda: services.risk_level_set(actor=request.user, archive=resident.archive, **form.cleaned_data),
        _("The risk level is saved."),
        pk,
    )


@login_required
@require_http_methods(["GET"])
def archive_access_log(request, pk: int):
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    if not policy.can_see_access_list(request.user, resident):
        raise PermissionDenied
    entries = archive_access_list(archive=resident.archive)
    services.archive_record_access_list(actor=request.user, archive=resident.archive)
    return render(request, "archives/access_list.html", {"resident": resident, "entries": entries})


# ---------------------------------------------------------------------------------------------
# Upkeep


@login_required
@require_http_methods(["GET"])
def review_list(request):
    policy.require_permission(request.user, MANAGE_ARCHIVES)
    archives = archives_due_for_review(user=request.user)
    page = Paginator(archives, 50).get_page(request.GET.get("page"))
    return render(request, "archives/review_list.html", {"page": page, "filters": request.GET})


# ---------------------------------------------------------------------------------------------
# Export and anonymisation (ARC-6, CONF-8)


@login_required
@require_http_methods(["GET", "POST"])
def archive_export(request, pk: int):
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    if not policy.can_export_archive(request.user, resident):
        raise PermissionDenied
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            content, mime = services.archive_export(
                actor=request.user, resident=resident, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            response = HttpResponse(content, content_type=mime)
            filename = f"{resident.archive.number}.{form.cleaned_data['file_format']}"
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "archives/export_form.html", {"form": form, "resident": resident})


@login_required
@require_http_methods(["GET", "POST"])
def resident_anonymise(request, pk: int):
    resident = policy.fetch_or_404(request.user, Resident, pk=pk)
    if not policy.can_anonymise_resident(request.user, resident):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_anonymise(
                actor=request.user, resident=resident, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The resident is anonymised."))
            return redirect("archives:detail", pk=resident.pk)
    rule = services.retention_holds(resident=resident)
    return render(request, "archives/anonymise_form.html", {"form": form, "resident": resident, "rule": rule})
