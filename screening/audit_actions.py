"""The audit actions the screening domain writes, with their labels.

Imported by ``screening.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "screening",
    {
        "campaign.closed": pgettext_lazy("audit action", "Campaign closed"),
        "campaign.created": pgettext_lazy("audit action", "Campaign created"),
        "campaign.draft": pgettext_lazy("audit action", "Campaign set back to draft"),
        "campaign.followups_created": pgettext_lazy("audit action", "Follow-ups created for positives"),
        "campaign.report_exported": pgettext_lazy("audit action", "Campaign report exported"),
        "campaign.running": pgettext_lazy("audit action", "Campaign started"),
        "import.completed": pgettext_lazy("audit action", "Bulk entry imported"),
        "selftest.submitted": pgettext_lazy("audit action", "Self-test submitted"),
    },
)
