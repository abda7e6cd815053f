"""The staff home page per role, and the centre profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.security import has_confirmed_device
from confidentiality import policy

from .forms import CentreProfileForm
from .permissions import MANAGE_CENTRE_PROFILE, USE_STAFF_HOME
from .selectors import centre_profile, home_for
from .services import centre_profile_update


@login_required
@require_http_methods(["GET"])
def home(request):
    user = request.user
    policy.require_permission(user, USE_STAFF_HOME)
    context = home_for(user)
    context["has_two_factor"] = has_confirmed_device(user)
    context["sees_clinical"] = policy.sees_clinical_content(user)
    return render(request, "core/home.html", context)


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
