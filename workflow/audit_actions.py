"""The audit actions the service workflow domain writes, with their labels.

Imported by ``workflow.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "workflow",
    {
        "appointment.cancelled": pgettext_lazy("audit action", "Appointment cancelled"),
        "appointment.checked_in": pgettext_lazy("audit action", "Client checked in"),
        "appointment.completed": pgettext_lazy("audit action", "Appointment completed"),
        "appointment.confirmed": pgettext_lazy("audit action", "Appointment confirmed"),
        "appointment.no_show": pgettext_lazy("audit action", "Client did not come"),
        "appointment.registered": pgettext_lazy("audit action", "Appointment registered"),
        "appointment.requested": pgettext_lazy("audit action", "Appointment requested"),
        "appointment.rescheduled": pgettext_lazy("audit action", "Appointment rescheduled"),
        "appointment.viewed": pgettext_lazy("audit action", "Appointment viewed"),
        "case.assessment_linked": pgettext_lazy("audit action", "Assessment linked to the case"),
        "case.closed": pgettext_lazy("audit action", "Case closed"),
        "case.opened": pgettext_lazy("audit action", "Case opened"),
        "case.reopened": pgettext_lazy("audit action", "Case reopened"),
        "case.transferred": pgettext_lazy("audit action", "Case transferred"),
        "case.viewed": pgettext_lazy("audit action", "Case viewed"),
        "follow_up.cancelled": pgettext_lazy("audit action", "Follow-up cancelled"),
        "follow_up.completed": pgettext_lazy("audit action", "Follow-up completed"),
        "follow_up.created": pgettext_lazy("audit action", "Follow-up created"),
        "follow_up.outcome_viewed": pgettext_lazy("audit action", "Follow-up outcome viewed"),
        "follow_up.reassigned": pgettext_lazy("audit action", "Follow-up reassigned"),
        "hotline_entry.recorded": pgettext_lazy("audit action", "Hotline call recorded"),
        "hotline_entry.viewed": pgettext_lazy("audit action", "Hotline call viewed"),
        "institution.created": pgettext_lazy("audit action", "Institution created"),
        "institution.deactivated": pgettext_lazy("audit action", "Institution deactivated"),
        "institution.reactivated": pgettext_lazy("audit action", "Institution reactivated"),
        "institution.updated": pgettext_lazy("audit action", "Institution updated"),
        "intake.recorded": pgettext_lazy("audit action", "Intake recorded"),
        "intake.updated": pgettext_lazy("audit action", "Intake updated"),
        "private_note.deleted": pgettext_lazy("audit action", "Private note deleted"),
        "private_note.saved": pgettext_lazy("audit action", "Private note saved"),
        "private_note.viewed": pgettext_lazy("audit action", "Private note viewed"),
        "referral.created": pgettext_lazy("audit action", "Referral created"),
        "referral.letter_generated": pgettext_lazy("audit action", "Referral letter generated"),
        "referral.outcome_recorded": pgettext_lazy("audit action", "Referral outcome recorded"),
        "referral.receipt_confirmed": pgettext_lazy("audit action", "Referral receipt confirmed"),
        "referral.viewed": pgettext_lazy("audit action", "Referral viewed"),
        "satisfaction.answered": pgettext_lazy("audit action", "Satisfaction survey answered"),
        "satisfaction.comments_read": pgettext_lazy("audit action", "Satisfaction comments read"),
        "satisfaction.issued": pgettext_lazy("audit action", "Satisfaction survey issued"),
        "satisfaction.paper_entered": pgettext_lazy("audit action", "Paper satisfaction survey entered"),
        "service_plan.agreed": pgettext_lazy("audit action", "Service plan agreed"),
        "service_plan.created": pgettext_lazy("audit action", "Service plan created"),
        "service_plan.revised": pgettext_lazy("audit action", "Service plan revised"),
        "session.recorded": pgettext_lazy("audit action", "Session recorded"),
        "session.addendum_added": pgettext_lazy("audit action", "Session record corrected"),
        "session.viewed": pgettext_lazy("audit action", "Session viewed"),
    },
)
