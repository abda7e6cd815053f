"""The audit actions the notifications domain writes, with their labels.

Imported by ``notifications.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "notifications",
    {
        "notification.read": pgettext_lazy("audit action", "Notification read"),
        "notification.relayed": pgettext_lazy("audit action", "Notification relayed by phone"),
        "notification.unreachable": pgettext_lazy(
            "audit action", "Notification recipient could not be reached"
        ),
    },
)
