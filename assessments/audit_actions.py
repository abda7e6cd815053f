"""The audit actions the assessments domain writes, with their labels.

Imported by ``assessments.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "assessments",
    {
        "assessment.corrected": pgettext_lazy("audit action", "Assessment corrected"),
        "assessment.recorded": pgettext_lazy("audit action", "Assessment recorded"),
        "assessment.viewed": pgettext_lazy("audit action", "Assessment viewed"),
        "instrument.uploaded": pgettext_lazy("audit action", "Instrument uploaded"),
    },
)
