"""Activity statistics per type × audience × unit × month, on the page and as XLSX.

Every object is loaded through ``policy.fetch_or_404`` or the helpers here; every write goes
through ``activities.services``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.forms import (
    StatisticsForm,
)
from activities.selectors import (
    activity_statistics,
    label_statistics,
)
from confidentiality import policy
from confidentiality.services import audit_record
from lib.spreadsheets import append_row, xlsx_bytes, xlsx_workbook


def _statistics(request):
    user = request.user
    if not policy.can_see_activity_statistics(user):
        raise PermissionDenied
    form = StatisticsForm(request.GET or {"year": timezone.localdate().year})
    year = month = None
    if form.is_valid():
        year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    result = activity_statistics(user=user, year=year, month=month)
    label_statistics(result["rows"])
    return form, result


@login_required
@require_http_methods(["GET"])
def statistics(request):
    form, result = _statistics(request)
    return render(request, "activities/statistics.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET"])
def statistics_export(request):
    _form, result = _statistics(request)
    workbook = xlsx_workbook()
    sheet = workbook.active
    sheet.title = _("Activities")
    append_row(
        sheet,
        [
            _("Month"),
            _("Type"),
            _("Audience group"),
            _("Unit"),
            _("Sessions held"),
            _("Attendances (人次)"),
            _("People (人数)"),
        ],
    )
    for row in result["rows"]:
        append_row(
            sheet,
            [
                row.month,
                row.kind_label,
                row.group_label,
                row.unit_name,
                row.sessions,
                row.person_times,
                row.persons,
            ],
        )
    append_row(sheet, [_("Total"), "", "", "", result["sessions"], result["person_times"], result["persons"]])
    audit_record(
        actor=request.user, action="activity.statistics_exported", details={"rows": len(result["rows"])}
    )
    response = HttpResponse(
        xlsx_bytes(workbook), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="activities-statistics.xlsx"'
    return response
