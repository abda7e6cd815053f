"""The audit actions the articles domain writes, with their labels.

Imported by ``articles.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "articles",
    {
        "article.approved": pgettext_lazy("audit action", "Article approved for publishing"),
        "article.created": pgettext_lazy("audit action", "Article created"),
        "article.edited": pgettext_lazy("audit action", "Article edited"),
        "article.scheduled": pgettext_lazy("audit action", "Article publish time changed"),
        "article.sent_back": pgettext_lazy("audit action", "Article sent back for changes"),
        "article.submitted": pgettext_lazy("audit action", "Article submitted for review"),
        "article.withdrawn": pgettext_lazy("audit action", "Article withdrawn from the portal"),
        "newsletter.created": pgettext_lazy("audit action", "Newsletter issue created"),
        "newsletter.edited": pgettext_lazy("audit action", "Newsletter issue edited"),
    },
)
