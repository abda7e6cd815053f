"""One resident's archive as data (JSON) and as a PDF document (ARC-6, CONF-8).

Both are built from the same dictionary, which holds what the exporter may see: clinical parts
only for those the policy lets see them. Private process notes are never included: they are
their author's alone, and the timeline lists sessions without their content and never reads a
note (workflow.selectors.cases.archive_workflow_entries; checked in workflow/tests/test_sessions.py).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from lib.identity import display_phone
from lib.pdf import render_pdf

from .models import Resident
from .selectors import archive_timeline


def archive_export_data(*, user, resident: Resident, clinical: bool) -> dict:
    archive = resident.archive
    data = {
        "exported_at": f"{timezone.localtime():%Y-%m-%d %H:%M}",
        "resident": {
            "name": resident.name,
            "sex": resident.get_sex_display(),
            "birth_date": resident.birth_date.isoformat() if resident.birth_date else None,
            "document_type": resident.get_document_type_display(),
            "document_number": resident.id_number,
            "phone": display_phone(resident.phone),
            "address": resident.address,
            "organisation_unit": resident.org_unit.name,
            "special_groups": [tag.get_tag_display() for tag in resident.tags.all()],
            "guardian": {
                "name": resident.guardian_name,
                "relation": resident.guardian_relation,
                "phone": display_phone(resident.guardian_phone),
            },
            "emergency_contact": {
                "name": resident.emergency_name,
                "relation": resident.emergency_relation,
                "phone": display_phone(resident.emergency_phone),
            },
        },
        "archive": {
            "number": archive.number,
            "status": archive.get_status_display(),
            "opened_at": archive.opened_at.isoformat(timespec="seconds"),
            "paper_location": archive.paper_location,
        },
        "consents": [
            {
                "text": consent.text.title,
                "version": consent.text.version,
                "signed_on": consent.signed_on.isoformat(),
                "signer": f"{consent.get_signer_display()} {consent.signer_name}",
                "channel": consent.get_channel_display(),
                "withdrawn_at": (
                    consent.withdrawn_at.isoformat(timespec="seconds") if consent.withdrawn_at else None
                ),
            }
            for consent in resident.consents.select_related("text")
        ],
        "timeline": [
            {
                "at": f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}",
                "title": str(entry.title),
                "detail": entry.detail,
            }
            for entry in archive_timeline(user=user, archive=archive, clinical=clinical)
        ],
    }
    if clinical:
        data["clinical"] = {"risk_level": archive.get_risk_level_display()}
    return data


def archive_export_pdf(*, data: dict) -> bytes:
    return render_pdf(render_to_string("archives/export_pdf.html", {"data": data}))
