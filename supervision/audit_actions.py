"""The audit actions case supervision writes, with their labels (registered from ready())."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "supervision",
    {
        "supervision_session.recorded": pgettext_lazy("audit action", "Supervision session recorded"),
        "supervision_session.viewed": pgettext_lazy("audit action", "Supervision session viewed"),
        "supervision_recommendation.added": pgettext_lazy("audit action", "Supervision recommendation added"),
        "supervision_recommendation.decided": pgettext_lazy(
            "audit action", "Supervision recommendation done or not adopted"
        ),
        "supervision_ledger.exported": pgettext_lazy("audit action", "Hour ledger exported"),
    },
)
