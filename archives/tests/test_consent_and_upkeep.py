"""CONF-1 consent, CONF-5 disclosures and ARC-5 upkeep: corrections with history, the review list,
closing and reopening, risk levels, and the one timeline that shows each reader what they may see."""

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
    id_born,
    po_chinese,
    register,
    url,
)
from confidentiality.models import AuditEntry, Consent, ConsentKind, ConsentText, Disclosure
from confidentiality.services import consent_record, disclosure_record

pytestmark = pytest.mark.django_db

UNDER_14_MESSAGE = "The resident is under 14: their guardian must give the consent."


def consent_data(text, **overrides):
    data = {
        "text": text.pk,
        "signed_on": timezone.localdate().isoformat(),
        "signer": "self",
        "signer_name": "张三",
        "channel": "paper",
    }
    data.update(overrides)
    return data


def disclosure_data(**overrides):
    data = {
        "recipient": "区精神卫生中心",
        "items": "姓名，风险等级、评估结果",
        "purpose": "转介诊疗",
        "basis": "consent",
        "legal_reference": "",
    }
    data.update(overrides)
    return data


def years_ago(years: int):
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


# ---------------------------------------------------------------------------------------------
# Consent (CONF-1)


def test_the_grid_worker_records_a_consent(people, resident, consent_texts):
    informed = consent_texts[ConsentKind.INFORMED]
    client = client_for(people.worker)
    assert client.get(url("consent_add", resident.pk)).status_code == 200
    response = client.post(url("consent_add", resident.pk), consent_data(informed))
    assert response.status_code == 302 and response["Location"] == url("detail", resident.pk)
    consent = Consent.objects.get()
    assert (consent.resident, consent.text, consent.signer, consent.recorded_by) == (
        resident,
        informed,
        "self",
        people.worker,
    )
    entry = AuditEntry.objects.get(action="consent.recorded")
    assert entry.details == {"consent": consent.pk, "kind": "informed", "version": "1"}


def test_a_consent_cannot_be_dated_in_the_future(people, resident, consent_texts):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(people.worker).post(
        url("consent_add", resident.pk), consent_data(consent_texts[ConsentKind.INFORMED], signed_on=tomorrow)
    )
    assert response.status_code == 200 and response.context["form"].errors["signed_on"]
    assert not Consent.objects.exists()


def test_for_a_child_under_14_only_the_guardian_can_consent(people, tree, consent_texts):
    child = register(
        people.worker,
        tree.grid,
        name="小明",
        id_number=id_born(years_ago(10)),
        guardian_name="王芳",
        guardian_relation="母亲",
        guardian_phone="13700001111",
    )
    informed = consent_texts[ConsentKind.INFORMED]
    client = client_for(people.worker)
    response = client.post(url("consent_add", child.pk), consent_data(informed, signer_name="小明"))
    chinese = po_chinese(UNDER_14_MESSAGE)
    assert response.status_code == 200
    assert response.context["form"].errors["signer"] == [chinese]
    assert chinese in response.content.decode()
    assert not Consent.objects.exists()
    assert not AuditEntry.objects.filter(action="consent.recorded").exists()

    response = client.post(
        url("consent_add", child.pk), consent_data(informed, signer="guardian", signer_name="王芳")
    )
    assert response.status_code == 302
    assert Consent.objects.get().signer == "guardian"


def test_withdrawing_a_consent_needs_a_reason_and_is_kept(people, resident, consent_texts):
    consent = consent_record(
        actor=people.worker,
        resident=resident,
        text=consent_texts[ConsentKind.SENSITIVE_INFO],
        signed_on=timezone.localdate(),
        signer="self",
        signer_name="张三",
        channel="paper",
    )
    client = client_for(people.worker)
    withdraw = url("consent_withdraw", resident.pk, consent.pk)
    assert client.post(withdraw, {"reason": "  "}).status_code == 302
    consent.refresh_from_db()
    assert consent.is_valid and not AuditEntry.objects.filter(action="consent.withdrawn").exists()

    assert client.post(withdraw, {"reason": "本人不再同意"}).status_code == 302
    consent.refresh_from_db()
    assert not consent.is_valid
    assert (consent.withdrawn_reason, consent.withdrawn_by) == ("本人不再同意", people.worker)
    assert AuditEntry.objects.get(action="consent.withdrawn").reason == "本人不再同意"
    # The signed consent is kept, marked withdrawn; both facts are on the timeline.
    assert Consent.objects.count() == 1
    kinds = [
        e.title for e in client.get(url("detail", resident.pk)).context["timeline"] if e.kind == "consent"
    ]
    assert len(kinds) == 2

    # Withdrawing twice changes nothing.
    withdrawn_at = consent.withdrawn_at
    client.post(withdraw, {"reason": "再次撤回"})
    consent.refresh_from_db()
    assert consent.withdrawn_at == withdrawn_at and consent.withdrawn_reason == "本人不再同意"


def test_a_consent_of_another_resident_cannot_be_withdrawn_through_this_one(
    people, tree, resident, consent_texts
):
    other = register(people.worker, tree.grid, name="李四")
    consent = consent_record(
        actor=people.worker,
        resident=other,
        text=consent_texts[ConsentKind.INFORMED],
        signed_on=timezone.localdate(),
        signer="self",
        signer_name="李四",
        channel="paper",
    )
    response = client_for(people.worker).post(
        url("consent_withdraw", resident.pk, consent.pk), {"reason": "错误"}
    )
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.is_valid


def test_only_the_administrator_manages_consent_texts(people, consent_texts):
    texts = url("consent_texts")
    for role in ("director", "archivist", "counsellor", "worker", "lead"):
        client = client_for(getattr(people, role))
        assert client.get(texts).status_code == 403
        assert (
            client.post(texts, {"kind": "informed", "version": "9", "title": "x", "body": "x"}).status_code
            == 403
        )
    assert ConsentText.objects.count() == 3

    client = client_for(people.admin)
    assert client.get(texts).status_code == 200
    response = client.post(
        texts, {"kind": "informed", "version": "2", "title": "知情同意书（2027版）", "body": "新正文"}
    )
    assert response.status_code == 302
    v1, v2 = ConsentText.objects.filter(kind="informed").order_by("created_at", "pk")
    assert (v1.version, v1.is_current, v1.body) == ("1", False, "知情同意书正文")
    assert (v2.version, v2.is_current) == ("2", True)
    assert ConsentText.objects.filter(is_current=True).count() == 3
    # A version number is used once per kind.
    response = client.post(texts, {"kind": "informed", "version": "2", "title": "重复", "body": "x"})
    assert response.status_code == 200 and response.context["form"].errors
    assert ConsentText.objects.filter(kind="informed").count() == 2


def test_a_consent_points_at_the_version_signed_after_a_new_version(people, resident, consent_texts):
    from confidentiality.services import consent_text_publish

    consent = consent_record(
        actor=people.worker,
        resident=resident,
        text=consent_texts[ConsentKind.INFORMED],
        signed_on=timezone.localdate(),
        signer="self",
        signer_name="张三",
        channel="paper",
    )
    consent_text_publish(actor=people.admin, kind="informed", version="2", title="知情同意书", body="新正文")
    consent.refresh_from_db()
    assert consent.text.version == "1" and consent.text.body == "知情同意书正文"
    form = client_for(people.worker).get(url("consent_add", resident.pk)).context["form"]
    assert {t.version for t in form.fields["text"].queryset if t.kind == "informed"} == {"2"}


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
# Risk level and disclosures


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


def test_the_responsible_counsellor_records_a_disclosure(people, assigned):
    client = client_for(people.counsellor)
    assert client.get(url("disclosure_add", assigned.pk)).status_code == 200
    response = client.post(url("disclosure_add", assigned.pk), disclosure_data())
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.fields == ["姓名", "风险等级", "评估结果"]
    assert (disclosure.basis, disclosure.disclosed_by) == ("consent", people.counsellor)
    assert AuditEntry.objects.get(action="disclosure.recorded").details["basis"] == "consent"


def test_a_legal_disclosure_must_name_the_law(people, assigned):
    client = client_for(people.counsellor)
    response = client.post(
        url("disclosure_add", assigned.pk), disclosure_data(basis="legal", recipient="区公安分局")
    )
    assert response.status_code == 200 and response.context["form"].errors["legal_reference"]
    assert not Disclosure.objects.exists()
    response = client.post(
        url("disclosure_add", assigned.pk),
        disclosure_data(
            basis="legal", recipient="区公安分局", legal_reference="公安机关调取证据通知书〔2026〕12号"
        ),
    )
    assert response.status_code == 302 and Disclosure.objects.get().legal_reference.startswith("公安机关")


def test_a_colleague_cannot_record_a_disclosure(people, assigned):
    client = client_for(people.colleague)
    assert client.get(url("disclosure_add", assigned.pk)).status_code == 403
    assert client.post(url("disclosure_add", assigned.pk), disclosure_data()).status_code == 403
    assert not Disclosure.objects.exists()


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
