"""The audit actions of work plans, with their labels."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "workplans",
    {
        "work_plan.created": pgettext_lazy("audit action", "Work plan created"),
        "work_plan.updated": pgettext_lazy("audit action", "Work plan updated"),
        "work_plan.submitted": pgettext_lazy("audit action", "Work plan submitted"),
        "work_plan.returned": pgettext_lazy("audit action", "Work plan returned"),
        "work_plan.approved": pgettext_lazy("audit action", "Work plan approved"),
        "work_plan.activated": pgettext_lazy("audit action", "Work plan activated"),
        "work_plan.closed": pgettext_lazy("audit action", "Work plan closed"),
        "work_plan.revised": pgettext_lazy("audit action", "Work plan revised after approval"),
        "plan_item.created": pgettext_lazy("audit action", "Plan item created"),
        "plan_item.updated": pgettext_lazy("audit action", "Plan item updated"),
        "plan_item.deleted": pgettext_lazy("audit action", "Plan item deleted"),
        "plan_item.linked": pgettext_lazy("audit action", "Record counted for a plan item"),
        "plan_item.unlinked": pgettext_lazy("audit action", "Record no longer counted for a plan item"),
        "calendar_feed.issued": pgettext_lazy("audit action", "Calendar feed address issued"),
    },
)
