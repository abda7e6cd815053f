"""Login, two-factor, own password, and the administrator's staff-account screens."""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality import policy
from confidentiality.roles import Role
from lib.forms import apply_validation_error
from orgs.models import OrgUnit

from . import services
from .forms import LoginForm, OTPTokenForm, OwnPasswordChangeForm, ReasonForm, UserForm
from .models import User
from .permissions import MANAGE_USERS
from .security import two_factor_pending
from .selectors import users_for_listing


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only: logging out flushes the session on the server, not just the cookie."""


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if not two_factor_pending(request):
        return redirect("dashboard:home")
    device_id = request.session.get("otp_setup_device")
    device = (
        TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first() if device_id else None
    )
    if device is None:
        device = services.two_factor_device_start(user=user)
        request.session["otp_setup_device"] = device.pk
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.two_factor_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            request.session.pop("otp_setup_device", None)
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is set up."))
            return redirect("dashboard:home")
        form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": buffer.getvalue().decode(), "secret": secret},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    if not two_factor_pending(request):
        return redirect("dashboard:home")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(request.GET.get("next") or "dashboard:home")
        form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = OwnPasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, default_field="new_password1")
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("dashboard:home")
    return render(request, "accounts/password_change.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# Staff accounts (system administrator)


@login_required
@require_http_methods(["GET"])
def user_list(request):
    policy.require_permission(request.user, MANAGE_USERS)
    visible = policy.filter_users(request.user, User.objects.all())
    users = users_for_listing(
        queryset=visible,
        query=request.GET.get("q", "").strip(),
        role=request.GET.get("role", ""),
        active=request.GET.get("active", ""),
    )
    page = Paginator(users, 25).get_page(request.GET.get("page"))
    template = "accounts/_user_rows.html" if request.htmx else "accounts/user_list.html"
    return render(request, template, {"page": page, "roles": Role.choices, "filters": request.GET})


def _unit_choices(user):
    return policy.filter_org_units(user, OrgUnit.objects.filter(is_active=True)).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    policy.require_permission(request.user, MANAGE_USERS)
    form = UserForm(request.POST or None, units=_unit_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            user, temporary = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return render(
                request, "accounts/temporary_password.html", {"target": user, "password": temporary}
            )
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    policy.require_permission(request.user, MANAGE_USERS)
    target = policy.fetch_or_404(request.user, User, pk=pk)
    initial = {
        "full_name": target.full_name,
        "role": target.role,
        "org_unit": target.org_unit,
        "email": target.email,
        "phone": target.phone,
        "supervisor": target.supervisor,
    }
    form = UserForm(request.POST or None, initial=initial, units=_unit_choices(request.user), editing=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=target, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The account has been saved."))
            return redirect("accounts:user_detail", pk=target.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": target, "creating": False})


@login_required
@require_http_methods(["GET"])
def user_detail(request, pk: int):
    policy.require_permission(request.user, MANAGE_USERS)
    target = policy.fetch_or_404(request.user, User, pk=pk)
    # The page shows the decrypted phone number: reading it is recorded like any sensitive read.
    services.user_record_viewed(actor=request.user, user=target)
    has_device = TOTPDevice.objects.filter(user=target, confirmed=True).exists()
    return render(
        request,
        "accounts/user_detail.html",
        {"target": target, "reason_form": ReasonForm(), "has_device": has_device},
    )


def _managed_target(request, pk: int) -> User:
    policy.require_permission(request.user, MANAGE_USERS)
    return policy.fetch_or_404(request.user, User, pk=pk)


@login_required
@require_POST
def user_deactivate(request, pk: int):
    target = _managed_target(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for deactivating the account."))
        return redirect("accounts:user_detail", pk=target.pk)
    try:
        services.user_deactivate(actor=request.user, user=target, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The account is deactivated and its sessions have ended."))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_reactivate(request, pk: int):
    target = _managed_target(request, pk)
    services.user_reactivate(actor=request.user, user=target, reason=request.POST.get("reason", ""))
    messages.success(request, _("The account is active again."))
    return redirect("accounts:user_detail", pk=target.pk)


@login_required
@require_POST
def user_reset_password(request, pk: int):
    target = _managed_target(request, pk)
    temporary = services.user_reset_password(actor=request.user, user=target)
    return render(request, "accounts/temporary_password.html", {"target": target, "password": temporary})


@login_required
@require_POST
def user_reset_two_factor(request, pk: int):
    target = _managed_target(request, pk)
    services.user_reset_two_factor(actor=request.user, user=target, reason=request.POST.get("reason", ""))
    messages.success(request, _("The authenticator has been removed; a new one is set up at next login."))
    return redirect("accounts:user_detail", pk=target.pk)
