"""The audit actions the monthly reports write, with their labels (imported from ``ready()``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "monthlyreports",
    {
        "monthly_assignment.saved": pgettext_lazy("audit action", "Reporting assignment saved"),
        "monthly_report.saved": pgettext_lazy("audit action", "Monthly report saved"),
        "monthly_report.submitted": pgettext_lazy("audit action", "Monthly report submitted"),
        "monthly_report.returned": pgettext_lazy("audit action", "Monthly report returned"),
        "monthly_report.accepted": pgettext_lazy("audit action", "Monthly report accepted"),
        "monthly_report.approved": pgettext_lazy("audit action", "Monthly report approved"),
        "monthly_report.unapproved": pgettext_lazy("audit action", "Monthly report approval withdrawn"),
        "monthly_report.locked": pgettext_lazy("audit action", "Monthly report locked"),
        "monthly_report.entered_from_paper": pgettext_lazy(
            "audit action", "Monthly report entered from a paper form"
        ),
        "monthly_report.paper_imported": pgettext_lazy(
            "audit action", "Paper monthly reports entered in bulk"
        ),
        "monthly_report.viewed": pgettext_lazy("audit action", "Monthly report viewed"),
        "monthly_concern.added": pgettext_lazy("audit action", "Person of concern added to a monthly report"),
        "monthly_concern.removed": pgettext_lazy(
            "audit action", "Person of concern removed from a monthly report"
        ),
        "monthly_concern.registered": pgettext_lazy(
            "audit action", "Person of concern registered as a resident"
        ),
        "concern_review.completed": pgettext_lazy("audit action", "Review of a flagged person completed"),
    },
)
