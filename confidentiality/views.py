"""The confidentiality screens: the audit log (CONF-6); consent and consent texts (CONF-1), access
requests (CONF-3), break-the-glass (CONF-4) and disclosures (CONF-5).

This domain sits below the archives and imports none of them: the resident is reached through its
own models' foreign keys and loaded through ``policy.fetch_or_404`` (with the filters the archives
domain registered); what a person may do to it is asked of the policy by name; the pages lead back
to the archive by its URL name.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lib.forms import apply_validation_error

from . import policy, services
from .forms import (
    ArchiveNumberForm,
    BreakGlassForm,
    ConsentForm,
    ConsentTextForm,
    ConsentWithdrawForm,
    DecisionForm,
    DisclosureForm,
)
from .models import AccessGrant, AuditEntry, Consent
from .permissions import (
    BREAK_GLASS,
    DECIDE_ACCESS,
    MANAGE_CONSENT_TEXTS,
    RECORD_CONSENT,
    RECORD_DISCLOSURE,
    REQUEST_ACCESS,
    REVIEW_BREAK_GLASS,
    VIEW_AUDIT_LOG,
)
from .selectors import (
    archive_by_number,
    audit_entries_for_listing,
    break_glass_to_review,
    consent_text_versions,
    my_access_grants,
    pending_access_requests,
)

# The archive page these screens start from and return to (archives/urls.py; the templates too).
ARCHIVE_PAGE = "archives:detail"


def _resident(request, pk: int):
    """The resident in the URL, or 404 when missing or out of the person's reach."""
    resident_model = Consent._meta.get_field("resident").related_model
    return policy.fetch_or_404(request.user, resident_model, pk=pk)


# ---------------------------------------------------------------------------------------------
# The audit log (CONF-6)


@login_required
@require_http_methods(["GET"])
def audit_log(request):
    policy.require_permission(request.user, VIEW_AUDIT_LOG)
    entries = audit_entries_for_listing(
        queryset=policy.filter_audit_entries(request.user, AuditEntry.objects.all()),
        action=request.GET.get("action", "").strip(),
        actor=request.GET.get("actor", "").strip(),
        object_type=request.GET.get("object_type", "").strip(),
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    template = "confidentiality/_audit_rows.html" if request.htmx else "confidentiality/audit_log.html"
    return render(request, template, {"page": page, "filters": request.GET})


# ---------------------------------------------------------------------------------------------
# Consent and consent texts (CONF-1)


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request, pk: int):
    resident = _resident(request, pk)
    policy.require_permission(request.user, RECORD_CONSENT)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The consent is recorded."))
            return redirect(ARCHIVE_PAGE, pk=resident.pk)
    return render(
        request,
        "confidentiality/consent_form.html",
        {"form": form, "resident": resident},
    )


@login_required
@require_POST
def consent_withdraw(request, pk: int, consent_pk: int):
    resident = _resident(request, pk)
    policy.require_permission(request.user, RECORD_CONSENT)
    consent = get_object_or_404(Consent, resident=resident, pk=consent_pk)
    form = ConsentWithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for the withdrawal."))
        services.consent_withdraw(actor=request.user, consent=consent, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The consent is withdrawn."))
    return redirect(ARCHIVE_PAGE, pk=resident.pk)


@login_required
@require_http_methods(["GET", "POST"])
def consent_texts(request):
    policy.require_permission(request.user, MANAGE_CONSENT_TEXTS)
    form = ConsentTextForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_text_publish(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The new version is published and is now the current one."))
            return redirect("confidentiality:consent_texts")
    return render(
        request, "confidentiality/consent_texts.html", {"form": form, "texts": consent_text_versions()}
    )


# ---------------------------------------------------------------------------------------------
# Disclosures (CONF-5)


@login_required
@require_http_methods(["GET", "POST"])
def disclosure_add(request, pk: int):
    resident = _resident(request, pk)
    policy.require_permission(request.user, RECORD_DISCLOSURE)
    if not policy.can_see_clinical(request.user, resident.archive):
        raise PermissionDenied
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["fields"] = data.pop("items")
        try:
            services.disclosure_record(actor=request.user, resident=resident, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The disclosure is recorded."))
            return redirect(ARCHIVE_PAGE, pk=pk)
    return render(
        request,
        "confidentiality/disclosure_form.html",
        {"form": form, "resident": resident},
    )


# ---------------------------------------------------------------------------------------------
# Access requests (CONF-3) and break-the-glass (CONF-4)


@login_required
@require_http_methods(["GET", "POST"])
def access_request_new(request):
    policy.require_permission(request.user, REQUEST_ACCESS)
    form = ArchiveNumberForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        archive = archive_by_number(number=form.cleaned_data["number"])
        if archive is None:
            form.add_error("number", _("No archive has this number."))
        else:
            try:
                services.access_request_create(
                    actor=request.user, archive=archive, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Your request is sent to the archive manager."))
                return redirect("confidentiality:access_requests")
    return render(request, "confidentiality/access_request_form.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def access_requests(request):
    user = request.user
    if not (
        policy.has_permission(user, REQUEST_ACCESS)
        or policy.has_permission(user, DECIDE_ACCESS)
        or policy.has_permission(user, REVIEW_BREAK_GLASS)
    ):
        raise PermissionDenied
    context = {
        "pending": pending_access_requests(user=user) if policy.has_permission(user, DECIDE_ACCESS) else [],
        "to_review": break_glass_to_review(user=user)
        if policy.has_permission(user, REVIEW_BREAK_GLASS)
        else [],
        "mine": my_access_grants(user=user),
        "decision_form": DecisionForm(),
        "can_decide": policy.has_permission(user, DECIDE_ACCESS),
        "can_review": policy.has_permission(user, REVIEW_BREAK_GLASS),
    }
    return render(request, "confidentiality/access_requests.html", context)


@login_required
@require_POST
def access_request_decide(request, grant_pk: int):
    policy.require_permission(request.user, DECIDE_ACCESS)
    grant = policy.fetch_or_404(request.user, AccessGrant, pk=grant_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or deny."))
        return redirect("confidentiality:access_requests")
    try:
        services.access_request_decide(
            actor=request.user,
            grant=grant,
            approve=form.cleaned_data["approve"],
            note=form.cleaned_data["note"],
            hours=form.cleaned_data["hours"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("confidentiality:access_requests")


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request):
    policy.require_permission(request.user, BREAK_GLASS)
    form = BreakGlassForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    if request.method == "POST" and form.is_valid():
        archive = archive_by_number(number=form.cleaned_data["number"])
        if archive is None:
            form.add_error("number", _("No archive has this number."))
        else:
            try:
                services.break_glass_open(
                    actor=request.user,
                    archive=archive,
                    reason_code=form.cleaned_data["reason_code"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.warning(
                    request, _("Emergency access is open and recorded; the director will review it.")
                )
                return redirect(ARCHIVE_PAGE, pk=archive.resident_id)
    return render(request, "confidentiality/break_glass_form.html", {"form": form})


@login_required
@require_POST
def break_glass_review(request, grant_pk: int):
    policy.require_permission(request.user, REVIEW_BREAK_GLASS)
    grant = policy.fetch_or_404(request.user, AccessGrant, pk=grant_pk)
    try:
        services.break_glass_review(actor=request.user, grant=grant, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The emergency access is reviewed."))
    return redirect("confidentiality:access_requests")
