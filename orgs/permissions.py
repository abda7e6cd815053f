"""Permissions of the organisation domain."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import ALL_STAFF, Role

VIEW_ORG_TREE = declare("orgs.view_tree", _("See the organisation tree in scope"), ALL_STAFF)
MANAGE_ORG_TREE = declare("orgs.manage_tree", _("Change the organisation tree"), {Role.ADMIN})
MANAGE_SITES = declare(
    "orgs.manage_sites", _("Manage service sites, rooms and hours"), {Role.ADMIN, Role.DIRECTOR}
)
VIEW_ROSTER = declare("orgs.view_roster", _("See the duty roster in scope"), ALL_STAFF)
MANAGE_ROSTER = declare(
    "orgs.manage_roster", _("Plan duty shifts, leave and holidays"), {Role.ADMIN, Role.DIRECTOR}
)
