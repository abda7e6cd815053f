from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int:
    """Whole minutes in a timedelta (rounded up), for messages such as the lockout page."""
    if not isinstance(value, timedelta):
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def mask_id(value: str) -> str:
    """Show the first 4 and last 2 characters of an ID card number (first 2 of a shorter document
    number): enough to tell records apart, never most of the number."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    head = 4 if len(value) >= 15 else 2
    return f"{value[:head]}{'*' * (len(value) - head - 2)}{value[-2:]}"


@register.filter
def phone_display(value: str) -> str:
    from lib.identity import display_phone

    return display_phone(value)
