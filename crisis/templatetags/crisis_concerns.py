"""Template filters for the links into concern reports and risk flags.

Pages owned by other domains (the archive, the session, the home page) show these links; the
permission is asked of the policy here so that their views need not know about the crisis domain.
The flag page itself checks again: a link is an offer, never the rule.
"""

from django import template

from confidentiality import policy
from crisis.permissions import FLAG_RISK, REPORT_CONCERN

register = template.Library()


@register.filter
def may_flag_risk(user) -> bool:
    return policy.has_permission(user, FLAG_RISK)


@register.filter
def may_report_concern(user) -> bool:
    return policy.has_permission(user, REPORT_CONCERN)
