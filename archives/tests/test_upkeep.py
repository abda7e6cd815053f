"""ARC-5 upkeep: corrections with history, the review list, closing and reopening, risk levels, and
the one timeline that shows each reader what they may see (consent and disclosures have their
screens and tests in confidentiality/)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from archives.models import Archive, ArchiveStatusChange, Correction, RiskLevelChange
from archives.tests.conftest import (
    ZHANG_ADDRESS,
    ZHANG_PHONE,
    client_for,
    correction_data,
    register,
    url,
    years_ago,
)
from confidentiality.models import AuditEntry, ConsentKind
from confidentiality.services import consent_record, disclosure_record

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Corrections (ARC-5)


def test_a_correction_changes_the_phone_and_keeps_the_old_value(people, resident):
    client = client_for(people.counsellor)
    assert client.get(url("correct", resident.pk)).status_code == 200
    response = client.post(
        url("correct", resident.pk), correction_data(resident, phone="138 0013 8000", reason="居民更换手机号")
    )
    assert response.status_code == 302 and response["Location"] == url("detail", resident.pk)
    resident.refresh_from_db()
    assert resident.phone == "+8613800138000"
    correction = Correction.objects.get()
    assert (correction.field, correction.old_value, correction.new_value) == (
        "phone",
        "+86" + ZHANG_PHONE,
        "+8613800138000",
    )
    assert correction.reason == "居民更换手机号" and correction.corrected_by == people.counsellor
    # The new phone finds the resident; the old one no longer does.
    from archives.selectors import resident_search

    assert list(resident_search(user=people.counsellor, query="13800138000")) == [resident]
    assert not resident_search(user=people.counsellor, query=ZHANG_PHONE).exists()
    entry = AuditEntry.objects.get(action="resident.corrected")
    assert entry.details == {"fields": ["phone"]} and ZHANG_PHONE not in str(entry.details)


def test_a_correction_needs_a_reason(people, resident):
    response = client_for(people.counsellor).post(
        url("correct", resident.pk), correction_data(resident, phone="13800138000")
    )
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    resident.refresh_from_db()
    assert resident.phone == "+86" + ZHANG_PHONE and not Correction.objects.exists()


def test_submitting_the_form_unchanged_records_no_correction(people, resident):
    response = client_for(people.counsellor).post(
        url("correct", resident.pk), correction_data(resident, reason="核对")
    )
    assert response.status_code == 302
    assert not Correction.objects.exists()


def test_a_correction_cannot_make_a_duplicate(people, tree, resident):
    other = register(people.worker, tree.grid, name="李四", phone="13700001111")
    response = client_for(people.counsellor).post(
        url("correct", other.pk), correction_data(other, phone="139-1234-5678", reason="号码录错")
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    other.refresh_from_db()
    assert other.phone == "+8613700001111" and not Correction.objects.exists()
    response = client_for(people.counsellor).post(
        url("correct", other.pk),
        correction_data(other, id_number=resident.id_number, reason="身份证号补录"),
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert not Correction.objects.exists()


def test_a_correction_is_validated_like_a_registration(people, resident):
    response = client_for(people.counsellor).post(
        url("correct", resident.pk), correction_data(resident, phone="12345", reason="更正")
    )
    assert response.status_code == 200 and response.context["form"].errors["phone"]
    assert not Correction.objects.exists()


def test_a_correction_cannot_put_the_birth_date_in_the_future(people, tree):
    visitor = register(
        people.worker,
        tree.grid,
        name="Anna",
        document_type="passport",
        id_number="C12345678",
        birth_date=years_ago(40),
    )
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(people.counsellor).post(
        url("correct", visitor.pk), correction_data(visitor, birth_date=tomorrow.isoformat(), reason="录错")
    )
    assert response.status_code == 200 and response.context["form"].errors["birth_date"]
    visitor.refresh_from_db()
    assert visitor.birth_date == years_ago(40) and not Correction.objects.exists()


def test_a_correction_that_makes_the_resident_a_minor_needs_a_guardian(people, tree):
    visitor = register(
        people.worker,
        tree.grid,
        name="Anna",
        document_type="passport",
        id_number="C12345678",
        birth_date=years_ago(40),
    )
    response = client_for(people.counsellor).post(
        url("correct", visitor.pk),
        correction_data(visitor, birth_date=years_ago(10).isoformat(), reason="录错"),
    )
    assert response.status_code == 200 and response.context["form"].errors["guardian_name"]
    assert not Correction.objects.exists()
    response = client_for(people.counsellor).post(
        url("correct", visitor.pk),
        correction_data(
            visitor,
            birth_date=years_ago(10).isoformat(),
            guardian_name="Maria",
            guardian_relation="母亲",
            guardian_phone="13700001111",
            reason="录错",
        ),
    )
    assert response.status_code == 302
    visitor.refresh_from_db()
    assert visitor.birth_date == years_ago(10) and visitor.guardian_name == "Maria"


@pytest.mark.parametrize("role", ["worker", "supervisor"])
def test_roles_without_the_right_cannot_correct(people, resident, role):
    client = client_for(getattr(people, role))
    assert client.get(url("correct", resident.pk)).status_code == 403
    response = client.post(
        url("correct", resident.pk), correction_data(resident, phone="13800138000", reason="x")
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()


# ---------------------------------------------------------------------------------------------
# Review, closing and reopening


def test_the_review_list_shows_archives_untouched_for_six_months(people, tree, resident):
    fresh = register(people.worker, tree.grid, name="李四")
    Archive.objects.filter(pk=resident.archive.pk).update(
        last_activity_at=timezone.now() - timedelta(days=190)
    )
    response = client_for(people.archivist).get(url("review_list"))
    assert response.status_code == 200
    listed = list(response.context["page"])
    assert resident.archive in listed and fresh.archive not in listed
    assert client_for(people.counsellor).get(url("review_list")).status_code == 403


def test_the_archivist_closes_and_reopens_an_archive_with_a_reason(people, resident):
    client = client_for(people.archivist)
    status = url("status", resident.pk)
    assert client.post(status, {"to_status": "archived", "reason": "服务结束"}).status_code == 302
    resident.archive.refresh_from_db()
    assert resident.archive.status == "archived"

    client.post(status, {"to_status": "open", "reason": ""})
    resident.archive.refresh_from_db()
    assert resident.archive.status == "archived"  # reopening needs a reason

    client.post(status, {"to_status": "open", "reason": "居民再次求助"})
    resident.archive.refresh_from_db()
    assert resident.archive.status == "open"
    changes = list(ArchiveStatusChange.objects.order_by("at", "pk").values_list("to_status", "reason"))
    assert changes == [("archived", "服务结束"), ("open", "居民再次求助")]
    assert {"archive.archived", "archive.open"} <= set(AuditEntry.objects.values_list("action", flat=True))


def test_a_counsellor_cannot_close_an_archive(people, assigned):
    response = client_for(people.counsellor).post(
        url("status", assigned.pk), {"to_status": "archived", "reason": "x"}
    )
    assert response.status_code == 403
    assigned.archive.refresh_from_db()
    assert assigned.archive.status == "open" and not ArchiveStatusChange.objects.exists()


# ---------------------------------------------------------------------------------------------
# Risk level


def test_the_responsible_counsellor_sets_the_risk_level_and_the_colleague_cannot(people, assigned):
    response = client_for(people.counsellor).post(
        url("risk", assigned.pk), {"level": "orange", "reason": "评估提示中高风险"}
    )
    assert response.status_code == 302
    change = RiskLevelChange.objects.get()
    assert (change.from_level, change.to_level, change.changed_by, change.source) == (
        "none",
        "orange",
        people.counsellor,
        "manual",
    )
    response = client_for(people.colleague).post(
        url("risk", assigned.pk), {"level": "none", "reason": "我觉得没事"}
    )
    assert response.status_code == 403
    assigned.archive.refresh_from_db()
    assert assigned.archive.risk_level == "orange" and RiskLevelChange.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# The timeline


def test_the_timeline_shows_clinical_entries_only_to_the_clinical_team(people, assigned, consent_texts):
    from archives.services import risk_level_set

    consent_record(
        actor=people.worker,
        resident=assigned,
        text=consent_texts[ConsentKind.INFORMED],
        signed_on=timezone.localdate(),
        signer="self",
        signer_name="张三",
        channel="paper",
    )
    disclosure_record(
        actor=people.counsellor,
        resident=assigned,
        recipient="区精神卫生中心",
        fields=["风险等级"],
        purpose="转介诊疗",
        basis="consent",
    )
    risk_level_set(actor=people.counsellor, archive=assigned.archive, level="yellow", reason="初评提示关注")

    response = client_for(people.counsellor).get(url("detail", assigned.pk))
    kinds = {entry.kind for entry in response.context["timeline"]}
    assert {"opened", "consent", "disclosure", "risk"} <= kinds
    body = response.content.decode()
    assert "区精神卫生中心" in body and "初评提示关注" in body and "知情同意书" in body

    for reader in (people.colleague, people.worker, people.archivist):
        response = client_for(reader).get(url("detail", assigned.pk))
        kinds = {entry.kind for entry in response.context["timeline"]}
        assert "consent" in kinds and not kinds & {"disclosure", "risk"}, reader
        body = response.content.decode()
        assert "知情同意书" in body
        assert "区精神卫生中心" not in body and "初评提示关注" not in body


def test_the_archivist_corrects_an_address_and_the_old_one_is_kept(people, resident):
    response = client_for(people.archivist).post(
        url("correct", resident.pk), correction_data(resident, address="松林路1号", reason="搬家")
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.field, correction.old_value, correction.new_value) == (
        "address",
        ZHANG_ADDRESS,
        "松林路1号",
    )
