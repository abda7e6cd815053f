"""Permissions of the staff-accounts domain."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

MANAGE_USERS = declare("accounts.manage_users", _("Create and manage staff accounts"), {Role.ADMIN})
VIEW_STAFF_DIRECTORY = declare(
    "accounts.view_staff", _("See the staff list in scope"), {Role.ADMIN, Role.DIRECTOR}
)
