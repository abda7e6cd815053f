"""The audit actions of activities and the parent school, with their labels."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "activities",
    {
        "activity.created": pgettext_lazy("audit action", "Activity created"),
        "activity.updated": pgettext_lazy("audit action", "Activity updated"),
        "activity.published": pgettext_lazy("audit action", "Activity published"),
        "activity.registration_closed": pgettext_lazy("audit action", "Activity registration closed"),
        "activity.registration_reopened": pgettext_lazy("audit action", "Activity registration reopened"),
        "activity.cancelled": pgettext_lazy("audit action", "Activity cancelled"),
        "activity.held": pgettext_lazy("audit action", "Activity held"),
        "activity.summarised": pgettext_lazy("audit action", "Activity summarised"),
        "activity.roster_viewed": pgettext_lazy("audit action", "Activity roster viewed"),
        "activity.headcount_recorded": pgettext_lazy("audit action", "Activity headcount recorded"),
        "activity.statistics_exported": pgettext_lazy("audit action", "Activity statistics exported"),
        "activity.feedback_issued": pgettext_lazy("audit action", "Activity feedback links issued"),
        "activity_registration.created": pgettext_lazy("audit action", "Activity registration made"),
        "activity_registration.approved": pgettext_lazy("audit action", "Activity registration approved"),
        "activity_registration.rejected": pgettext_lazy("audit action", "Activity registration rejected"),
        "activity_registration.cancelled": pgettext_lazy("audit action", "Activity registration cancelled"),
        "activity_registration.offered": pgettext_lazy("audit action", "Activity seat offered"),
        "activity_registration.accepted": pgettext_lazy("audit action", "Activity seat accepted"),
        "activity_registration.expired": pgettext_lazy("audit action", "Activity seat offer expired"),
        "activity_registration.moved": pgettext_lazy(
            "audit action", "Activity registration moved by the organiser"
        ),
        "activity_registration.checked_in": pgettext_lazy("audit action", "Activity attendance recorded"),
        "family.certificate": pgettext_lazy("audit action", "Parent-school certificate issued"),
        "family.created": pgettext_lazy("audit action", "Parent-school family created"),
        "school_target.saved": pgettext_lazy("audit action", "Parent-school target saved"),
    },
)
