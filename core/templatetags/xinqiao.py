from datetime import timedelta

from django import template

from lib.identity import mask_id_number, tel_uri

register = template.Library()


@register.filter
def minutes(value) -> int:
    """Whole minutes in a timedelta (rounded up), for messages such as the lockout page."""
    if not isinstance(value, timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def mask_id(value: str) -> str:
    """A document number masked for display (see lib.identity.mask_id_number)."""
    return mask_id_number(value)


@register.filter
def phone_display(value: str) -> str:
    from lib.identity import display_phone

    return display_phone(value)


@register.filter
def allows(obj, action: str) -> bool:
    """Whether the object's state allows the action, read from its model's ``ACTIONS`` table
    (lib.states.StateTable), e.g. ``{% if alert|allows:"close" %}``: the page offers exactly
    what the service would accept."""
    return type(obj).ACTIONS.allows(obj, action)


@register.filter
def tel_href(value) -> str:
    """A ``tel:`` link for a phone number as typed ("0571 8800 1234", "12356"): no spaces, since a
    space ends the number for many phones' diallers (RFC 3966); empty when there is nothing to
    dial. One rule for every page: lib.identity.tel_uri."""
    return tel_uri(str(value or ""))
