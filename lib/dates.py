"""Dates people type: bounded to years the centre can mean, so a typo such as 0001-01-01 or
9999-12-31 gets a clear message instead of overflowing date arithmetic later (a 500)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FIRST_YEAR, LAST_YEAR = 2000, 2100
OUT_OF_RANGE = _("Give a date between the years 2000 and 2100.")

# The browser's own date and date-time pickers, in the format Django parses back.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
DATETIME_INPUT = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})


def in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


class BoundedDateField(forms.DateField):
    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not in_range(day):
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return day


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time in the years the centre can mean (a typo such as year 1 gets a message)."""

    def to_python(self, value):
        try:
            moment = super().to_python(value)
        except (OverflowError, ValueError):
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range") from None
        if moment is not None and not in_range(moment.date()):
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return moment


class BoundedDateSerializerField(serializers.DateField):
    def to_internal_value(self, value) -> date:
        day = super().to_internal_value(value)
        if not in_range(day):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return day


class BoundedDateTimeSerializerField(serializers.DateTimeField):
    """A date and time between the years 2000 and 2100, for the API."""

    def to_internal_value(self, value) -> datetime:
        moment = super().to_internal_value(value)
        if not in_range(moment.date()):
            raise serializers.ValidationError(OUT_OF_RANGE)
        return moment


# How far ahead work is planned: appointments, follow-ups and plans start within a year; what may
# run longer (the end of a plan, a shift pattern, leave) ends within two. An appointment in 2099 is
# a typo of 2026 that would otherwise sit unseen in every calendar.
AHEAD_DAYS = 366
AHEAD_DAYS_LONG = 731


def require_not_too_far_ahead(value: date | datetime | None, *, field: str, days: int = AHEAD_DAYS) -> None:
    """Refuse (on ``field``) a date or time more than ``days`` days after today."""
    if value is None:
        return
    day = timezone.localtime(value).date() if isinstance(value, datetime) else value
    last = timezone.localdate() + timedelta(days=days)
    if day > last:
        raise ValidationError(
            {field: gettext("Give a date no later than %(day)s.") % {"day": last.isoformat()}}
        )
