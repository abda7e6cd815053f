"""The audit actions the crisis domain writes, with their labels.

Imported by ``crisis.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "crisis",
    {
        "alert.acknowledged": pgettext_lazy("audit action", "Alert acknowledged"),
        "alert.assigned": pgettext_lazy("audit action", "Alert assigned"),
        "alert.closed": pgettext_lazy("audit action", "Alert closed"),
        "alert.escalated": pgettext_lazy("audit action", "Alert escalated"),
        "alert.intervention_started": pgettext_lazy("audit action", "Intervention started"),
        "alert.level_raised": pgettext_lazy("audit action", "Alert level raised"),
        "alert.note_added": pgettext_lazy("audit action", "Note added to the alert"),
        "alert.raised": pgettext_lazy("audit action", "Alert raised"),
        "alert.resolved": pgettext_lazy("audit action", "Alert resolved"),
        "alert.signal_merged": pgettext_lazy("audit action", "Signal merged into the alert"),
        "alert.signals_merged": pgettext_lazy("audit action", "Signals merged into one alert"),
        "alert.viewed": pgettext_lazy("audit action", "Alert viewed"),
        "alert_rule.created": pgettext_lazy("audit action", "Warning rule created"),
        "alert_rule.updated": pgettext_lazy("audit action", "Warning rule updated"),
        "concern_report.submitted": pgettext_lazy("audit action", "Concern reported"),
        "concern_report.viewed": pgettext_lazy("audit action", "Concern report viewed"),
        "crisis_action.recorded": pgettext_lazy("audit action", "Crisis action recorded"),
        "crisis_case.close_requested": pgettext_lazy("audit action", "Crisis case closing requested"),
        "crisis_case.close_returned": pgettext_lazy("audit action", "Crisis case closing returned"),
        "crisis_case.closed": pgettext_lazy("audit action", "Crisis case closed"),
        "crisis_case.opened": pgettext_lazy("audit action", "Crisis case opened"),
        "crisis_case.risk_assessed": pgettext_lazy("audit action", "Risk assessed"),
        "crisis_case.viewed": pgettext_lazy("audit action", "Crisis case viewed"),
        "crisis_check.completed": pgettext_lazy("audit action", "Crisis check-in completed"),
        "crisis_check.waived": pgettext_lazy("audit action", "Crisis check-in waived"),
        "risk_flag.raised": pgettext_lazy("audit action", "Risk flagged"),
        "safety_plan.pdf_downloaded": pgettext_lazy("audit action", "Safety plan downloaded as PDF"),
        "safety_plan.printed": pgettext_lazy("audit action", "Safety plan printed"),
        "safety_plan.saved": pgettext_lazy("audit action", "Safety plan saved"),
        "signal.raised": pgettext_lazy("audit action", "Risk signal raised"),
        "watch.added": pgettext_lazy("audit action", "Added to the watch list"),
        "watch.refreshed": pgettext_lazy("audit action", "Watch list entry renewed"),
        "watch.removed": pgettext_lazy("audit action", "Removed from the watch list"),
        "watch.reviewed": pgettext_lazy("audit action", "Watch list entry reviewed"),
    },
)
