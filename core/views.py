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
