"""The staff home page per role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.security import has_confirmed_device
from confidentiality import policy

from .permissions import USE_STAFF_HOME
from .selectors import home_for


@login_required
@require_http_methods(["GET"])
def home(request):
    user = request.user
    policy.require_permission(user, USE_STAFF_HOME)
    context = home_for(user)
    context["has_two_factor"] = has_confirmed_device(user)
    context["sees_clinical"] = policy.sees_clinical_content(user)
    return render(request, "dashboard/home.html", context)
