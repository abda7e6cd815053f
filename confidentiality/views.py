"""The audit-log screen (CONF-6)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import policy
from .models import AuditEntry
from .permissions import VIEW_AUDIT_LOG
from .selectors import audit_entries_for_listing


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
