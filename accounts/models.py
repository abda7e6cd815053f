"""Staff accounts: one role and one organisation-unit scope each (SPEC §1, ORG-1)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from confidentiality.fields import BlindIndexField, EncryptedTextField
from confidentiality.roles import TWO_FACTOR_ROLES, Role


class User(AbstractUser):
    """A member of staff. Residents never log in here; they use the portal."""

    # Chinese names do not split into first/last; one full name is what the UI shows.
    first_name = None
    last_name = None
    full_name = models.CharField(_("full name"), max_length=60)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("scope"),
        help_text=_("The organisation unit this person works in; they see it and the units below it."),
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = BlindIndexField()
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name=_("supervisor"),
        help_text=_("For counsellors and therapists: the supervisor who sees their cases."),
    )
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Set only by seed_demo; honoured only while settings.DEMO_MODE is on (see accounts.security).
    is_demo_account = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.username

    @property
    def role_requires_two_factor(self) -> bool:
        return self.role in TWO_FACTOR_ROLES


class LoginSession(models.Model):
    """Which server-side sessions belong to whom, so deactivation can end them all at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.session_key[:6]}…"
