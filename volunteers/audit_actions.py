"""The audit actions the volunteers domain writes, with their labels (registered from ready())."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "volunteers",
    {
        "volunteer.created": pgettext_lazy("audit action", "Volunteer profile created"),
        "volunteer.updated": pgettext_lazy("audit action", "Volunteer profile changed"),
        "volunteer.status_changed": pgettext_lazy("audit action", "Volunteer status changed"),
        "volunteer.agreement_signed": pgettext_lazy(
            "audit action", "Volunteer confidentiality agreement signed"
        ),
        "volunteer.training_recorded": pgettext_lazy("audit action", "Volunteer training recorded"),
        "volunteer.level_listed": pgettext_lazy("audit action", "Volunteer star level listed"),
        "volunteer.level_final": pgettext_lazy("audit action", "Volunteer star level final"),
        "visit_assignment.proposed": pgettext_lazy("audit action", "Visit assignment proposed"),
        "visit_assignment.consent_recorded": pgettext_lazy(
            "audit action", "Resident's consent to visits recorded"
        ),
        "visit_assignment.activated": pgettext_lazy("audit action", "Visit assignment started"),
        "visit_assignment.ended": pgettext_lazy("audit action", "Visit assignment ended"),
        "visit_assignment.viewed": pgettext_lazy("audit action", "Visit assignment viewed"),
        "visit.logged": pgettext_lazy("audit action", "Volunteer visit logged"),
        "visit.viewed": pgettext_lazy("audit action", "Volunteer visit viewed"),
        "visit.hours_decided": pgettext_lazy("audit action", "Volunteer hours approved or refused"),
    },
)
