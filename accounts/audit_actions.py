"""The audit actions the accounts domain writes, with their labels.

Imported by ``accounts.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "accounts",
    {
        "api.token_issued": pgettext_lazy("audit action", "API token issued"),
        "api.token_revoked": pgettext_lazy("audit action", "API token revoked"),
        "auth.login": pgettext_lazy("audit action", "Logged in"),
        "auth.login_failed": pgettext_lazy("audit action", "Login failed"),
        "auth.logout": pgettext_lazy("audit action", "Logged out"),
        "user.created": pgettext_lazy("audit action", "Account created"),
        "user.deactivated": pgettext_lazy("audit action", "Account deactivated"),
        "user.password_changed": pgettext_lazy("audit action", "Password changed"),
        "user.password_reset": pgettext_lazy("audit action", "Password reset"),
        "user.reactivated": pgettext_lazy("audit action", "Account reactivated"),
        "user.two_factor_enrolled": pgettext_lazy("audit action", "Two-factor authentication set up"),
        "user.two_factor_reset": pgettext_lazy("audit action", "Two-factor authentication reset"),
        "user.updated": pgettext_lazy("audit action", "Account updated"),
        "user.viewed": pgettext_lazy("audit action", "Account viewed"),
    },
)
