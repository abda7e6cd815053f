"""CONF-1 consent and consent texts, CONF-5 disclosures: the screens that record them from the
archive page, who may use them, and what the services refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from archives.tests.conftest import client_for, id_born, po_chinese, register, years_ago
from confidentiality.models import AuditEntry, Consent, ConsentKind, ConsentText, Disclosure
from confidentiality.services import consent_record
from confidentiality.tests.conftest import archive_url, url

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


# ---------------------------------------------------------------------------------------------
# Consent (CONF-1)


def test_the_grid_worker_records_a_consent(people, resident, consent_texts):
    informed = consent_texts[ConsentKind.INFORMED]
    client = client_for(people.worker)
    assert client.get(url("consent_add", resident.pk)).status_code == 200
    response = client.post(url("consent_add", resident.pk), consent_data(informed))
    assert response.status_code == 302 and response["Location"] == archive_url(resident.pk)
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
    kinds = [e.title for e in client.get(archive_url(resident.pk)).context["timeline"] if e.kind == "consent"]
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
# Disclosures (CONF-5)


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
