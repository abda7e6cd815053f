"""Permissions of the notifications domain (PRT-2)."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

VIEW_OUTBOX = declare(
    "notifications.view_outbox",
    _("See every message the system has sent or will send"),
    # Not the administrator: a reminder tells who uses counselling, which is the director's to see.
    {Role.DIRECTOR},
)

SEE_DELIVERY_SETUP = declare(
    "notifications.see_delivery_setup",
    _("Be told on the home page when messages reach residents only if staff phone them"),
    # Those who answer for residents being told (director) and for the set-up (administrator).
    {Role.DIRECTOR, Role.ADMIN},
)

RELAY_MESSAGES = declare(
    "notifications.relay_messages",
    _("Pass outbox messages on to residents by phone and record it"),
    # Those who handle appointments; field roles (volunteers, teachers) never see others' messages.
    {Role.DIRECTOR, Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR},
)
