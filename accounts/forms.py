"""Forms of the staff-accounts domain: input shape only; the rules live in services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from confidentiality.roles import Role
from orgs.forms import UnitChoiceField
from orgs.models import OrgUnit

from .models import User


class LoginForm(AuthenticationForm):
    """Django's login form; its one error message is the same for a wrong name or password."""

    error_messages = {
        "invalid_login": _("The user name or password is not correct. Note that both may be case-sensitive."),
        "inactive": _("The user name or password is not correct. Note that both may be case-sensitive."),
    }


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not (token.isascii() and token.isdigit()):
            raise forms.ValidationError(_("Enter the six digits shown in your authenticator app."))
        return token


class OwnPasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords do not match."))
        return data


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    org_unit = UnitChoiceField(label=_("Scope"), queryset=OrgUnit.objects.none())
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("For counsellors and therapists: the supervisor who sees their cases."),
    )

    def __init__(self, *args, units=None, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units if units is not None else OrgUnit.objects.all()
        supervisors = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("full_name")
        if editing is not None:
            supervisors = supervisors.exclude(pk=editing.pk)
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisor"].label_from_instance = lambda user: user.full_name or user.username
        if editing is not None:
            del self.fields["username"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is already taken."))
        return username


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
