"""lib.dates bounds typed dates; lib.forms puts a service's errors on the form's fields."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from lib.dates import BoundedDateField, BoundedDateSerializerField
from lib.forms import apply_validation_error


class DayForm(forms.Form):
    day = BoundedDateField()
    note = forms.CharField(required=False)


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_a_date_outside_the_bounds_is_refused_with_a_message(typed):
    form = DayForm({"day": typed})
    assert not form.is_valid() and form.errors["day"]


def test_a_date_inside_the_bounds_is_kept():
    form = DayForm({"day": "2026-12-05"})
    assert form.is_valid() and form.cleaned_data["day"] == date(2026, 12, 5)


def test_the_api_field_bounds_dates_the_same_way():
    field = BoundedDateSerializerField()
    assert field.to_internal_value("2100-12-31") == date(2100, 12, 31)
    with pytest.raises(serializers.ValidationError):
        field.to_internal_value("2101-01-01")


def test_a_service_error_lands_on_the_field_it_names_or_on_the_form():
    form = DayForm({"day": "2026-12-05"})
    form.is_valid()
    apply_validation_error(form, ValidationError({"note": "太长了", "elsewhere": "另一个问题"}))
    apply_validation_error(form, ValidationError("整体的问题"))
    assert form.errors["note"] == ["太长了"]
    assert form.non_field_errors() == ["另一个问题", "整体的问题"]
