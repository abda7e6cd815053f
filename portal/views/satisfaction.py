"""The public satisfaction page (SVC-7): opened from a one-time link or its QR code, on a phone,
with no login. A used or expired link says so; an unknown one is a 404."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.selectors import centre_profile
from lib.forms import apply_validation_error
from workflow.forms.satisfaction import SatisfactionAnswerForm
from workflow.models import SatisfactionSurvey
from workflow.services.satisfaction import satisfaction_link_problem, satisfaction_submit

# The browser that answered is thanked on reload; anyone else opening a used link is told it is used.
SESSION_KEY = "satisfaction_answered"


@require_http_methods(["GET", "POST"])
def satisfaction(request, token: str):
    survey = get_object_or_404(SatisfactionSurvey, token=token, channel=SatisfactionSurvey.Channel.LINK)
    context = {"centre": centre_profile()}
    if survey.answered_at is not None and request.session.get(SESSION_KEY) == token:
        return render(request, "portal/satisfaction/thanks.html", context)
    problem = satisfaction_link_problem(survey)
    if problem:
        return render(request, "portal/satisfaction/closed.html", {**context, "problem": problem}, status=410)
    form = SatisfactionAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            satisfaction_submit(token=token, **form.cleaned_data)
        except ValidationError as exc:
            # A double submit lands here: the first answer is kept and this one refused.
            if not hasattr(exc, "error_dict"):
                return render(
                    request,
                    "portal/satisfaction/closed.html",
                    {**context, "problem": " ".join(exc.messages)},
                    status=410,
                )
            apply_validation_error(form, exc)
        else:
            request.session[SESSION_KEY] = token
            return redirect("portal:satisfaction", token=token)
    return render(request, "portal/satisfaction/form.html", {**context, "form": form, "survey": survey})
