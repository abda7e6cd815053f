"""The audit actions the organisation domain writes, with their labels.

Imported by ``orgs.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "orgs",
    {
        "duty_exception.added": pgettext_lazy("audit action", "Duty exception added"),
        "duty_exception.removed": pgettext_lazy("audit action", "Duty exception removed"),
        "duty_shift.added": pgettext_lazy("audit action", "Duty shift added"),
        "duty_shift.ended": pgettext_lazy("audit action", "Duty shift ended"),
        "duty_shift.removed": pgettext_lazy("audit action", "Duty shift removed"),
        "opening_hours.added": pgettext_lazy("audit action", "Opening hours added"),
        "opening_hours.removed": pgettext_lazy("audit action", "Opening hours removed"),
        "org_unit.created": pgettext_lazy("audit action", "Organisation unit created"),
        "org_unit.updated": pgettext_lazy("audit action", "Organisation unit updated"),
        "room.created": pgettext_lazy("audit action", "Room created"),
        "room.updated": pgettext_lazy("audit action", "Room updated"),
        "service_site.created": pgettext_lazy("audit action", "Service site created"),
        "service_site.updated": pgettext_lazy("audit action", "Service site updated"),
    },
)
