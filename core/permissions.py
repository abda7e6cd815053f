"""Permissions of the platform domain."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

MANAGE_CENTRE_PROFILE = declare(
    "core.manage_centre_profile", _("Edit the centre's public profile"), {Role.ADMIN, Role.DIRECTOR}
)
MANAGE_CALENDAR = declare(
    "core.manage_calendar",
    _("Enter the public holidays and make-up working days of years the built-in calendar lacks"),
    {Role.ADMIN, Role.DIRECTOR},
)
