"""The parent school (PRG-7): families, their progress against the school's target, and the
completion certificate.

Every object is loaded through ``policy.fetch_or_404`` or the helpers here; every write goes
through ``activities.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities import services
from activities.forms import FamilyForm, SchoolTargetForm
from activities.models import Family
from activities.selectors import (
    families_for_list,
    families_progress,
    family_progress,
    school_target,
    schools_with_targets,
)
from confidentiality import policy
from confidentiality.services import audit_list_read, audit_record
from core.selectors import centre_profile
from lib.forms import apply_validation_error
from lib.pdf import render_pdf
from orgs.models import UnitKind

from .common import (
    _require_organiser,
)


def _schools(user):
    return policy.scope_units(user).filter(kind=UnitKind.SCHOOL).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def family_list(request):
    user = request.user
    _require_organiser(user)
    form = FamilyForm(request.POST or None, schools=_schools(user))
    if request.method == "POST" and form.is_valid():
        try:
            family = services.family_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The family is registered."))
            return redirect("activities:family", pk=family.pk)
    year = timezone.localdate().year
    rows = families_progress(families_for_list(user=user)[:200], year=year)
    audit_list_read(
        actor=user, object_type="activities.family", page="parent_school", ids=[p.family.pk for p in rows]
    )
    status = 400 if request.method == "POST" else 200
    schools = [
        (s, t) for s, t in schools_with_targets(_schools(user)) if policy.can_set_school_target(user, s)
    ]
    return render(
        request,
        "activities/families.html",
        {"rows": rows, "form": form, "year": year, "schools": schools},
        status=status,
    )


def _family(request, pk) -> Family:
    return policy.fetch_or_404(
        request.user,
        Family,
        queryset=Family.objects.select_related("school").prefetch_related("students"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET"])
def family_detail(request, pk: int):
    family = _family(request, pk)
    year = timezone.localdate().year
    progress = family_progress(family, year=year)
    credits = family.credits.filter(year=year).select_related("activity")
    return render(
        request, "activities/family.html", {"progress": progress, "credits": credits, "family": family}
    )


@login_required
@require_http_methods(["GET"])
def family_certificate(request, pk: int):
    """The completion certificate (PDF, Chinese), only once the family has met its target."""
    family = _family(request, pk)
    year = timezone.localdate().year
    if request.GET.get("year", "").isdigit() and 2000 <= int(request.GET["year"]) <= 2100:
        year = int(request.GET["year"])
    progress = family_progress(family, year=year)
    if not progress.met:
        messages.error(request, _("The certificate is issued once the family has met the year's target."))
        return redirect("activities:family", pk=family.pk)
    html = render_to_string(
        "activities/certificate.html",
        {"progress": progress, "family": family, "centre": centre_profile(), "today": timezone.localdate()},
    )
    audit_record(actor=request.user, action="family.certificate", obj=family, details={"year": year})
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="parent-school-certificate-{family.pk}-{year}.pdf"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def school_target_edit(request, pk: int):
    """A school's yearly parent-school target, for those who run that school's parent school."""
    user = request.user
    school = _schools(user).filter(pk=pk).first()
    if school is None or not policy.can_set_school_target(user, school):
        raise Http404
    target = school_target(school)
    initial = {
        "sessions": target.sessions,
        "hours": target.hours,
        "attendance_percent": target.attendance_percent,
        "satisfaction_percent": target.satisfaction_percent,
    }
    form = SchoolTargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_target_save(actor=user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The parent-school target of %(school)s is saved.") % {"school": school.name}
            )
            return redirect("activities:families")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "activities/school_target.html",
        {"form": form, "school": school, "target": target},
        status=status,
    )
