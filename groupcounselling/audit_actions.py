"""The audit actions the group counselling domain writes, with their labels."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "groupcounselling",
    {
        "group.created": pgettext_lazy("audit action", "Group programme created"),
        "group.finished": pgettext_lazy("audit action", "Group programme finished"),
        "group.member_added": pgettext_lazy("audit action", "Group member added"),
        "group.member_screened": pgettext_lazy("audit action", "Group member screened"),
        "group.member_enrolled": pgettext_lazy("audit action", "Group member enrolled"),
        "group.member_dropped": pgettext_lazy("audit action", "Group member dropped out"),
        "group.attendance_recorded": pgettext_lazy("audit action", "Group attendance recorded"),
        "group.session_updated": pgettext_lazy("audit action", "Group session updated"),
        "group.report_viewed": pgettext_lazy("audit action", "Group outcome report viewed"),
        "group.report_exported": pgettext_lazy("audit action", "Group outcome report exported"),
    },
)
