"""Writes of activities, registrations, attendance and the parent school (PRG-1, PRG-7).

An activity moves draft → published → registration closed → held → summarised, or is cancelled
before it is held (with a reason; everyone registered is told through the outbox). Its room is
never double booked: not against another activity, not against an appointment (the workflow's
slot claims), and appointments see activities through ``workflow.room_uses``.

Seats = capacity − counted registrations (approved, registered, offered, attended, late). When a
seat frees, the oldest waiting person is offered it with an expiry (``offer_expiry``); the
periodic job expires unanswered offers and offers the next. Every refusal is a sentence, and a
refused write writes nothing.

One module per area; this package re-exports the public writes so that
``from activities.services import activity_create`` keeps working.
"""

from .activities import (
    EDITABLE,
    activity_cancel,
    activity_close_registration,
    activity_create,
    activity_hold,
    activity_publish,
    activity_reopen_registration,
    activity_summarise,
    activity_update,
)
from .attendance import (
    activity_feedback_issue,
    headcount_record,
    registration_check_in,
    registration_check_in_at_door,
)
from .common import (
    DOOR_CHECKINS,
    DOOR_OPENS_BEFORE,
    LATE_AFTER,
    OFFER_HOURS,
    PORTAL_SIGNUPS,
    counted,
    offer_expiry,
    registration_link,
    seats_left,
)
from .parent_school import (
    family_create,
    school_target_save,
)
from .registrations import (
    registration_accept_offer,
    registration_cancel,
    registration_create,
    registration_decide,
    registration_move,
    registration_offers_expire,
)
from .rooms import (
    room_use_of_activities,
)

__all__ = [
    "DOOR_CHECKINS",
    "DOOR_OPENS_BEFORE",
    "EDITABLE",
    "LATE_AFTER",
    "OFFER_HOURS",
    "PORTAL_SIGNUPS",
    "activity_cancel",
    "activity_close_registration",
    "activity_create",
    "activity_feedback_issue",
    "activity_hold",
    "activity_publish",
    "activity_reopen_registration",
    "activity_summarise",
    "activity_update",
    "counted",
    "family_create",
    "headcount_record",
    "offer_expiry",
    "registration_accept_offer",
    "registration_cancel",
    "registration_check_in",
    "registration_check_in_at_door",
    "registration_create",
    "registration_decide",
    "registration_link",
    "registration_move",
    "registration_offers_expire",
    "room_use_of_activities",
    "school_target_save",
    "seats_left",
]
