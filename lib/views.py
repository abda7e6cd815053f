"""The one way a page's form hands its data to a service.

Every action page does the same thing: validate the form, call the service, say what was done
and redirect; or, when the form is invalid or the service refuses, show the page again with the
errors on the form. Only "show the page again" differs from page to page, so it stays with the
caller::

    response = submit_form(request, form, run=lambda data: services.x(...), done=_("Done."),
                           success_url=reverse("app:detail", args=[pk]))
    if response is not None:
        return response
    return _detail(request, obj, status=400, form=form)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from lib.forms import apply_validation_error


def submit_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    run: Callable[[dict[str, Any]], Any],
    done: str | Callable[[dict[str, Any]], str],
    success_url: str,
) -> HttpResponse | None:
    """Validate ``form`` and call ``run(cleaned_data)``; on success say ``done`` (a message, or a
    function of the data) and redirect to ``success_url``.

    Returns None when the form is invalid or the service raised a ValidationError, which is then
    on the form's fields (lib.forms.apply_validation_error): nothing was written, and the caller
    shows its page again with the form.
    """
    if not form.is_valid():
        return None
    try:
        run(form.cleaned_data)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    messages.success(request, done(form.cleaned_data) if callable(done) else done)
    return redirect(success_url)


def errors_as_messages(request: HttpRequest, form: forms.Form) -> None:
    """Say a form's errors at the top of the page: for a form that is no longer on it (the
    object has moved on, e.g. acknowledged in another tab), so its errors are not lost."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
