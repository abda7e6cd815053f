"""The centre profile (the staff home page is the dashboard's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from confidentiality import policy

from .forms import CentreProfileForm
from .permissions import MANAGE_CENTRE_PROFILE
from .selectors import centre_profile
from .services import centre_profile_update


@login_required
@require_http_methods(["GET", "POST"])
def centre_profile_edit(request):
    policy.require_permission(request.user, MANAGE_CENTRE_PROFILE)
    profile = centre_profile()
    form = CentreProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        centre_profile_update(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The centre profile has been saved."))
        return redirect("core:centre_profile")
    return render(request, "core/centre_profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def calendar_days(request):
    """The centre's holidays and make-up working days, by year, with where each year's come from."""
    from django.shortcuts import get_object_or_404
    from django.utils import timezone

    from lib.views import submit_form

    from . import workdays
    from .forms import CalendarDayForm, CalendarYearForm
    from .models import CalendarDay
    from .permissions import MANAGE_CALENDAR
    from .services import calendar_day_delete, calendar_days_save

    policy.require_permission(request.user, MANAGE_CALENDAR)
    year_form = CalendarYearForm(request.GET or None)
    year = year_form.cleaned_data["year"] if year_form.is_valid() else timezone.localdate().year
    if request.method == "POST" and request.POST.get("delete"):
        day = get_object_or_404(
            CalendarDay, pk=request.POST["delete"] if request.POST["delete"].isdigit() else 0
        )
        calendar_day_delete(actor=request.user, day=day)
        messages.success(request, _("The day has been removed."))
        return redirect(f"{request.path}?year={day.date.year}")
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            run=lambda data: calendar_days_save(
                actor=request.user,
                first=data["first"],
                last=data["last"],
                kind=data["kind"],
                name=data["name"],
            ),
            done=_("The calendar has been saved."),
            success_url=f"{request.path}?year={form.cleaned_data['first'].year}"
            if form.is_valid()
            else request.path,
        )
        if response is not None:
            return response
    entered = list(CalendarDay.objects.filter(date__year=year))
    calendar = workdays.work_calendar(year)
    if entered:
        source = "table"
    elif year in workdays.library_years():
        source = "library"
    else:
        source = "none"
    context = {
        "form": form,
        "year": year,
        "entered": entered,
        "source": source,
        "holidays": sorted(calendar.holidays),
        "make_up_days": sorted(calendar.make_up_days),
        "years": [year - 1, year, year + 1],
    }
    return render(request, "core/calendar.html", context, status=400 if form.errors else 200)
