"""ARC-6 / CONF-8: export as PDF and JSON (each a disclosure), and anonymisation with retention."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from archives.models import ArchiveStatusChange, Resident
from archives.services import archive_change_status, resident_anonymise, retention_holds
from confidentiality.models import Disclosure
from confidentiality.services import clinical_consent_missing, require_clinical_consent
from conftest import login_fully
from lib.identity import prc_id_check_character

pytestmark = pytest.mark.django_db

FIRST17 = "33010619800101123"
EXPORT = {"recipient": "居民本人", "purpose": "本人查阅申请", "basis": "consent"}


@pytest.fixture
def adult(people, tree):
    from archives.services import resident_register

    return resident_register(
        actor=people.worker,
        name="王小明",
        org_unit=tree.grid,
        id_number=FIRST17 + prc_id_check_character(FIRST17),
        phone="13912345678",
        address="柳岸路 8 号",
    )


def export(client, resident, **data):
    return client.post(reverse("archives:export", args=[resident.pk]), {**EXPORT, **data})


def test_the_pdf_export_holds_the_name_as_extractable_chinese_text(people, adult):
    response = export(login_fully(Client(), people.director), adult, file_format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "王小明" in text and adult.archive.number in text


def test_the_json_export_holds_the_archive_and_is_recorded_as_a_disclosure(people, adult):
    response = export(login_fully(Client(), people.archivist), adult, file_format="json")
    data = json.loads(response.content)
    assert data["resident"]["name"] == "王小明"
    assert data["archive"]["number"] == adult.archive.number
    assert "clinical" not in data  # the archive manager does not see clinical content
    disclosure = Disclosure.objects.get(resident=adult)
    assert disclosure.recipient == "居民本人" and disclosure.basis == "consent"


def test_a_legal_export_without_a_legal_reference_is_refused_and_nothing_leaves(people, adult):
    response = export(login_fully(Client(), people.director), adult, file_format="json", basis="legal")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("role", ["counsellor", "worker", "finance"])
def test_other_roles_cannot_export(people, adult, role):
    response = export(login_fully(Client(), getattr(people, role)), adult, file_format="json")
    assert response.status_code in (403, 404)
    assert not Disclosure.objects.exists()


def test_export_refuses_get_parameters_as_a_download(people, adult):
    response = login_fully(Client(), people.director).get(reverse("archives:export", args=[adult.pk]), EXPORT)
    assert response["Content-Type"].startswith("text/html")
    assert not Disclosure.objects.exists()


def test_anonymisation_is_refused_while_the_archive_is_open_or_recently_archived(people, adult):
    assert retention_holds(resident=adult)
    with pytest.raises(ValidationError):
        resident_anonymise(actor=people.director, resident=adult, reason="本人书面申请")
    archive_change_status(
        actor=people.archivist, archive=adult.archive, to_status="archived", reason="服务结束"
    )
    with pytest.raises(ValidationError):
        resident_anonymise(actor=people.director, resident=adult, reason="本人书面申请")
    assert Resident.objects.get(pk=adult.pk).name == "王小明"


def test_after_the_retention_period_anonymisation_erases_identifying_data(people, adult):
    archive_change_status(
        actor=people.archivist, archive=adult.archive, to_status="archived", reason="服务结束"
    )
    ArchiveStatusChange.objects.update(at=timezone.now() - timedelta(days=365 * 4))
    response = login_fully(Client(), people.director).post(
        reverse("archives:anonymise", args=[adult.pk]), {"reason": "本人书面申请删除"}
    )
    assert response.status_code == 302
    adult.refresh_from_db()
    assert adult.is_anonymised and "王小明" not in adult.name
    assert adult.id_number == adult.phone == adult.address == "" and adult.id_number_index == ""


def test_only_the_director_anonymises(people, adult):
    response = login_fully(Client(), people.archivist).post(
        reverse("archives:anonymise", args=[adult.pk]), {"reason": "x"}
    )
    assert response.status_code == 403


def test_clinical_records_need_informed_and_sensitive_information_consent(people, adult):
    from confidentiality.models import ConsentKind
    from confidentiality.services import consent_record, consent_text_publish

    assert len(clinical_consent_missing(resident=adult)) == 2
    with pytest.raises(ValidationError):
        require_clinical_consent(resident=adult)
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = consent_text_publish(actor=people.admin, kind=kind, version="1", title=str(kind), body="…")
        consent_record(
            actor=people.worker,
            resident=adult,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name="王小明",
            channel="paper",
        )
    require_clinical_consent(resident=adult)
    assert clinical_consent_missing(resident=adult) == []


def test_an_anonymised_resident_cannot_be_corrected_back(people, adult):
    from archives.services import resident_correct

    archive_change_status(
        actor=people.archivist, archive=adult.archive, to_status="archived", reason="服务结束"
    )
    ArchiveStatusChange.objects.update(at=timezone.now() - timedelta(days=365 * 4))
    resident_anonymise(actor=people.director, resident=adult, reason="本人书面申请删除")
    with pytest.raises(ValidationError):
        resident_correct(actor=people.director, resident=adult, changes={"name": "王小明"}, reason="恢复")


def test_a_fifty_character_name_fits_its_pinyin(people, tree):
    from archives.services import resident_register

    resident = resident_register(actor=people.worker, name="庄" * 50, org_unit=tree.grid)
    assert resident.name_pinyin == "zhuang" * 50


def test_short_document_numbers_are_masked_to_four_characters():
    from core.templatetags.xinqiao import mask_id

    assert mask_id("E1234567") == "E1****67"
    assert mask_id("330106198001011235") == "3301************35"
