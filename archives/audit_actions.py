"""The audit actions the archives domain writes, with their labels.

Imported by ``archives.apps``' ``ready()``; ``confidentiality.services.audit_record`` refuses any
other name (see ``confidentiality.audit``)."""

from django.utils.translation import pgettext_lazy

from confidentiality.audit import register_actions

register_actions(
    "archives",
    {
        "archive.access_list_viewed": pgettext_lazy("audit action", "Archive access history viewed"),
        "archive.archived": pgettext_lazy("audit action", "Archive closed and archived"),
        "archive.exported": pgettext_lazy("audit action", "Archive exported"),
        "archive.open": pgettext_lazy("audit action", "Archive reopened"),
        "archive.paper_location_set": pgettext_lazy("audit action", "Paper file location set"),
        "archive.printed": pgettext_lazy("audit action", "Archive printed"),
        "archive.responsible_set": pgettext_lazy("audit action", "Responsible staff set"),
        "archive.risk_level_set": pgettext_lazy("audit action", "Risk level set"),
        "archive.viewed": pgettext_lazy("audit action", "Archive viewed"),
        "resident.anonymised": pgettext_lazy("audit action", "Resident anonymised"),
        "resident.corrected": pgettext_lazy("audit action", "Resident's details corrected"),
        "resident.duplicate_refused": pgettext_lazy("audit action", "Duplicate registration refused"),
        "resident.registered": pgettext_lazy("audit action", "Resident registered"),
        "resident.searched": pgettext_lazy("audit action", "Residents searched"),
        "resident.tags_set": pgettext_lazy("audit action", "Special groups set"),
    },
)
