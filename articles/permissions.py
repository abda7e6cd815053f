"""Permissions of the articles domain (PRG-4): who writes, who reviews, who edits the newsletter.

Articles are public education, not clinical content, so they are not narrowed by scope: every
holder works on the centre's articles. Reviewing is a separate permission, and a reviewer never
reviews their own article (the service says so)."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

C, T, S, D, P = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR, Role.PROJECT_LEAD

WRITE_ARTICLES = declare(
    "articles.write_articles", _("Write articles for the portal and submit them for review"), {C, T, S, D, P}
)
REVIEW_ARTICLES = declare(
    "articles.review_articles", _("Review, publish, schedule and withdraw articles"), {S, D, P}
)
EDIT_NEWSLETTERS = declare(
    "articles.edit_newsletters", _("Put together the 心语报 newsletter and print it"), {D, P}
)
