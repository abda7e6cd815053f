"""The watch-list line on a person's archive page.

The archive's page belongs to another domain: the line asks the policy itself (the entry is shown
only if policy.filter_watch_entries shows it to the person), and the archive template shows it
only to those who see the archive's clinical content.
"""

from django import template
from django.utils import timezone

from confidentiality import policy
from crisis.selectors.watch import active_watch_entry

register = template.Library()


@register.inclusion_tag("crisis/watch_archive_line.html", takes_context=True)
def watch_status(context, resident) -> dict:
    user = context["user"]
    entry = active_watch_entry(user=user, resident=resident)
    return {
        "entry": entry,
        "overdue": entry is not None and entry.review_on < timezone.localdate(),
        "resident": resident,
        "may_add": entry is None and policy.can_add_to_watch_list(user, resident),
    }
