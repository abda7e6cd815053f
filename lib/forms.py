"""Helpers for moving service-level validation errors onto forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_validation_error(
    form: forms.Form, error: ValidationError, default_field: str | None = None
) -> None:
    """Attach a service's ValidationError to the form fields it names, or to the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else default_field
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(default_field, message)
