"""The audit actions the platform domain writes, with their labels.

Imported by ``core.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "core",
    {
        "centre_profile.updated": pgettext_lazy("audit action", "Centre profile updated"),
        "calendar_day.saved": pgettext_lazy("audit action", "Holiday or make-up day entered"),
        "calendar_day.deleted": pgettext_lazy("audit action", "Holiday or make-up day removed"),
    },
)
