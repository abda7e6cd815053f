"""SVC-8: the directory of institutions, referrals from a case, the referral letter (a PDF that is
recorded as a disclosure each time it is made) and closing the loop (receipt, outcome)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from archives.tests.conftest import register, valid_id
from confidentiality.models import AccessGrant, AuditEntry, ConsentKind, Disclosure
from confidentiality.services import consent_record, consent_text_publish
from conftest import login_fully
from workflow.models import Case, Institution, Referral
from workflow.selectors.referrals import referrals_awaiting_receipt
from workflow.services.referrals import (
    LETTER_FIELDS,
    institution_create,
    institution_update,
    referral_confirm_receipt,
    referral_create,
    referral_letter_pdf,
    referral_record_outcome,
)

pytestmark = pytest.mark.django_db

ID_NUMBER = valid_id("11010119900307123")
REASON = "持续失眠两月，情绪低落，建议精神科评估用药。"
PRESENTING = "工作压力大，夫妻矛盾"


def url(name, *args):
    return reverse(f"workflow:{name}", args=args)


def client_for(user) -> Client:
    return login_fully(Client(), user)


@pytest.fixture
def world(people, tree):
    """张三's open case with the counsellor (supervised by the supervisor), and one institution."""
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    resident = register(
        people.worker,
        tree.grid,
        name="张三",
        id_number=ID_NUMBER,
        phone="13912345678",
        address="柳岸路8号3单元502室",
    )
    case = make_case(people, resident, "C0001")
    hospital = Institution.objects.create(
        name="市精神卫生中心",
        kind=Institution.Kind.PSYCHIATRIC,
        contact_person="王医生",
        phone="0571-88001234",
    )
    return type("World", (), {"resident": resident, "case": case, "hospital": hospital})


def make_case(people, resident, number) -> Case:
    return Case.objects.create(
        number=number,
        resident=resident,
        counsellor=people.counsellor,
        presenting_problem=PRESENTING,
        opened_at=timezone.now(),
        opened_by=people.counsellor,
    )


def refer(people, world, **overrides) -> Referral:
    data = {"case": world.case, "institution": world.hospital, "reason": REASON, "urgency": "urgent"}
    data.update(overrides)
    return referral_create(actor=people.counsellor, **data)


def referral_post(world, **overrides):
    data = {"institution": world.hospital.pk, "urgency": "urgent", "reason": REASON, "client_agrees": "on"}
    data.update(overrides)
    return data


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def referral_audit_actions() -> set[str]:
    return set(AuditEntry.objects.filter(action__startswith="referral.").values_list("action", flat=True))


def grant_to(user, archive):
    return AccessGrant.objects.create(
        archive=archive,
        requester=user,
        kind=AccessGrant.Kind.REQUEST,
        reason="会诊需要",
        status=AccessGrant.Status.APPROVED,
        decided_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=4),
    )


# ---------------------------------------------------------------------------------------------
# The directory of institutions


def test_people_who_work_cases_see_the_active_directory_without_inactive_entries(people, world):
    Institution.objects.create(name="已停用医院", kind=Institution.Kind.GENERAL, is_active=False)
    response = client_for(people.counsellor).get(url("institution_list"))
    assert response.status_code == 200
    names = [i.name for i in response.context["institutions"]]
    assert names == ["市精神卫生中心"]
    assert not response.context["can_manage"]


def test_those_who_keep_the_directory_also_see_inactive_entries(people, world):
    Institution.objects.create(name="已停用医院", kind=Institution.Kind.GENERAL, is_active=False)
    response = client_for(people.admin).get(url("institution_list"))
    assert [i.name for i in response.context["institutions"]] == ["市精神卫生中心", "已停用医院"]
    assert response.context["can_manage"]


@pytest.mark.parametrize("role", ["worker", "archivist", "finance", "volunteer"])
def test_roles_without_cases_or_the_directory_are_refused_the_list(people, world, role):
    assert client_for(getattr(people, role)).get(url("institution_list")).status_code == 403


def test_the_directory_list_answers_only_get(people, world):
    client = client_for(people.director)
    assert client.post(url("institution_list")).status_code == 405
    assert client.delete(url("institution_list")).status_code == 405


def test_the_directory_list_needs_a_constant_number_of_queries(people, world, django_assert_max_num_queries):
    for n in range(10):
        Institution.objects.create(name=f"医院{n}", kind=Institution.Kind.GENERAL)
    client = client_for(people.director)
    with django_assert_max_num_queries(12):
        assert client.get(url("institution_list")).status_code == 200


def test_the_director_adds_an_institution_to_the_directory(people, world):
    response = client_for(people.director).post(
        url("institution_create"),
        {"name": "区人民医院", "kind": "general", "department": "心理门诊", "phone": "0571-1234567"},
    )
    assert response.status_code == 302
    added = Institution.objects.get(name="区人民医院")
    assert added.is_active and added.department == "心理门诊"
    assert AuditEntry.objects.filter(action="institution.created", object_id=str(added.pk)).exists()


def test_a_name_already_in_the_directory_gets_a_clear_message(people, world):
    response = client_for(people.director).post(
        url("institution_create"), {"name": "市精神卫生中心", "kind": "psychiatric"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Institution.objects.count() == 1


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "worker"])
def test_only_those_who_keep_the_directory_add_or_edit_and_nothing_is_written(people, world, role):
    client = client_for(getattr(people, role))
    assert client.get(url("institution_create")).status_code == 403
    assert client.post(url("institution_create"), {"name": "新医院", "kind": "general"}).status_code == 403
    edit = client.post(url("institution_edit", world.hospital.pk), {"name": "改名", "kind": "general"})
    assert edit.status_code == 403
    assert list(Institution.objects.values_list("name", flat=True)) == ["市精神卫生中心"]
    with pytest.raises(PermissionDenied):
        institution_create(actor=getattr(people, role), name="新医院", kind="general")


def test_editing_a_missing_institution_is_404_and_the_forms_refuse_other_methods(people, world):
    client = client_for(people.admin)
    assert client.get(url("institution_edit", 99999)).status_code == 404
    assert client.put(url("institution_create")).status_code == 405
    assert client.delete(url("institution_edit", world.hospital.pk)).status_code == 405


def test_deactivating_keeps_the_institution_and_stops_offering_it_for_new_referrals(people, world):
    old = refer(people, world)
    response = client_for(people.director).post(
        url("institution_edit", world.hospital.pk),
        {"name": "市精神卫生中心", "kind": "psychiatric", "contact_person": "王医生"},  # "active" unticked
    )
    assert response.status_code == 302
    world.hospital.refresh_from_db()
    assert not world.hospital.is_active
    assert Referral.objects.get(pk=old.pk).institution_id == world.hospital.pk
    assert AuditEntry.objects.filter(action="institution.deactivated").exists()
    form = client_for(people.counsellor).get(url("referral_create", world.case.pk)).context["form"]
    assert list(form.fields["institution"].queryset) == []
    with pytest.raises(ValidationError) as refused:
        refer(people, world)
    assert "institution" in refused.value.message_dict


def test_reactivating_is_recorded_as_such(people, world):
    fields = {"name": "市精神卫生中心", "kind": "psychiatric"}
    institution_update(actor=people.admin, institution=world.hospital, is_active=False, **fields)
    institution_update(actor=people.admin, institution=world.hospital, is_active=True, **fields)
    assert AuditEntry.objects.filter(action="institution.reactivated").count() == 1


# ---------------------------------------------------------------------------------------------
# Making a referral


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "director", "east_director"])
def test_the_case_team_refers_the_client_from_the_case(people, world, role):
    response = client_for(getattr(people, role)).post(
        url("referral_create", world.case.pk), referral_post(world)
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == url("referral_detail", referral.pk)
    assert referral.reason == REASON and referral.urgency == "urgent"
    assert referral.referred_by == getattr(people, role) and referral.disclosure is None
    assert AuditEntry.objects.filter(action="referral.created", object_id=str(referral.pk)).exists()


def test_the_form_offers_active_institutions_only(people, world):
    Institution.objects.create(name="已停用医院", kind=Institution.Kind.GENERAL, is_active=False)
    response = client_for(people.counsellor).get(url("referral_create", world.case.pk))
    assert response.status_code == 200
    assert [i.name for i in response.context["form"].fields["institution"].queryset] == ["市精神卫生中心"]


def test_a_stale_choice_of_an_inactive_institution_is_refused_with_a_message(people, world):
    gone = Institution.objects.create(name="已停用医院", kind=Institution.Kind.GENERAL, is_active=False)
    response = client_for(people.counsellor).post(
        url("referral_create", world.case.pk), referral_post(world, institution=gone.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors["institution"]
    assert not Referral.objects.exists()


def test_the_client_s_agreement_must_be_confirmed(people, world):
    data = referral_post(world)
    del data["client_agrees"]
    response = client_for(people.counsellor).post(url("referral_create", world.case.pk), data)
    assert response.status_code == 200 and response.context["form"].errors["client_agrees"]
    assert not Referral.objects.exists()


def test_an_empty_reason_or_unknown_urgency_gets_a_message_not_a_500(people, world):
    client = client_for(people.counsellor)
    response = client.post(url("referral_create", world.case.pk), referral_post(world, reason="   "))
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    response = client.post(url("referral_create", world.case.pk), referral_post(world, urgency="tomorrow"))
    assert response.status_code == 200 and response.context["form"].errors["urgency"]
    assert not Referral.objects.exists()


def test_a_closed_case_is_refused_with_a_clear_message(people, world):
    Case.objects.filter(pk=world.case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), outcome=Case.Outcome.REFERRED
    )
    client = client_for(people.counsellor)
    assert client.get(url("referral_create", world.case.pk)).context["case_closed"]
    response = client.post(url("referral_create", world.case.pk), referral_post(world))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and "C0001" in errors[0]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("role", ["outsider", "colleague", "therapist"])
def test_staff_outside_the_case_team_get_404_and_nothing_is_written(people, world, role):
    client = client_for(getattr(people, role))
    assert client.get(url("referral_create", world.case.pk)).status_code == 404
    assert client.post(url("referral_create", world.case.pk), referral_post(world)).status_code == 404
    assert not Referral.objects.exists() and not Disclosure.objects.exists()
    assert referral_audit_actions() == set()
    with pytest.raises(PermissionDenied):
        referral_create(
            actor=getattr(people, role),
            case=world.case,
            institution=world.hospital,
            reason=REASON,
            urgency="urgent",
        )
    assert not Referral.objects.exists()


def test_someone_who_only_reads_the_case_through_a_grant_may_not_refer(people, world):
    grant_to(people.colleague, world.resident.archive)
    client = client_for(people.colleague)
    assert client.get(url("referral_create", world.case.pk)).status_code == 403
    assert client.post(url("referral_create", world.case.pk), referral_post(world)).status_code == 403
    assert not Referral.objects.exists()


def test_the_create_page_refuses_other_methods(people, world):
    assert client_for(people.counsellor).put(url("referral_create", world.case.pk)).status_code == 405


# ---------------------------------------------------------------------------------------------
# The referral letter


def test_the_letter_is_a_pdf_with_the_client_s_name_and_without_the_id_number(people, world):
    referral = refer(people, world)
    response = client_for(people.counsellor).post(url("referral_letter", referral.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "张三" in text and "市精神卫生中心" in text and "持续失眠两月" in text
    assert "139 1234 5678" in text and "1990-03-07" in text
    assert ID_NUMBER not in text and ID_NUMBER[-6:] not in text
    assert "柳岸路" not in text  # the address is not needed by the receiver
    assert PRESENTING not in text  # nor anything else of the case


def test_the_letter_is_recorded_as_a_disclosure_to_the_institution_on_consent(people, world):
    referral = refer(people, world)
    referral_letter_pdf(actor=people.counsellor, referral=referral)
    disclosure = Disclosure.objects.get()
    assert disclosure.resident == world.resident
    assert disclosure.recipient == "市精神卫生中心"
    assert disclosure.basis == "consent"
    assert disclosure.disclosed_by == people.counsellor
    assert disclosure.fields == [str(label) for label in LETTER_FIELDS.values()]
    referral.refresh_from_db()
    assert referral.disclosure == disclosure
    assert {"referral.letter_generated", "referral.created"} <= referral_audit_actions()


def test_when_a_guardian_signed_the_letter_and_its_disclosure_say_it_left_on_the_guardian_s_consent(
    people, world
):
    text = consent_text_publish(
        actor=people.admin, kind=ConsentKind.SENSITIVE_INFO, version="1", title="敏感信息", body="…"
    )
    consent_record(
        actor=people.archivist,
        resident=world.resident,
        text=text,
        signed_on=timezone.localdate(),
        signer="guardian",
        signer_name="张父",
        channel="paper",
    )
    referral = refer(people, world)
    letter = pdf_text(client_for(people.counsellor).post(url("referral_letter", referral.pk)).content)
    assert "经来访者监护人同意" in letter and "经监护人同意" in letter
    disclosure = Disclosure.objects.get()
    assert disclosure.basis == "guardian" and disclosure.get_basis_display() == "监护人同意"


def test_every_copy_of_the_letter_is_another_disclosure_and_the_first_stays_on_the_referral(people, world):
    referral = refer(people, world)
    client = client_for(people.supervisor)
    client.post(url("referral_letter", referral.pk))
    first = Referral.objects.get(pk=referral.pk).disclosure
    client.post(url("referral_letter", referral.pk))
    assert Disclosure.objects.count() == 2
    assert Referral.objects.get(pk=referral.pk).disclosure == first
    detail = client.get(url("referral_detail", referral.pk))
    assert len(detail.context["letters"]) == 2


@pytest.mark.parametrize("role", ["outsider", "colleague"])
def test_the_letter_is_404_outside_the_team_and_no_disclosure_is_recorded(people, world, role):
    referral = refer(people, world)
    response = client_for(getattr(people, role)).post(url("referral_letter", referral.pk))
    assert response.status_code == 404
    assert not Disclosure.objects.exists()
    assert Referral.objects.get(pk=referral.pk).disclosure is None
    assert "referral.letter_generated" not in referral_audit_actions()
    with pytest.raises(PermissionDenied):
        referral_letter_pdf(actor=getattr(people, role), referral=referral)
    assert not Disclosure.objects.exists()


def test_a_reader_through_a_grant_may_not_send_the_letter(people, world):
    referral = refer(people, world)
    grant_to(people.colleague, world.resident.archive)
    client = client_for(people.colleague)
    detail = client.get(url("referral_detail", referral.pk))
    assert detail.status_code == 200 and not detail.context["can_work"]
    assert client.post(url("referral_letter", referral.pk)).status_code == 403
    assert not Disclosure.objects.exists()


def test_the_letter_is_made_only_by_a_post_never_by_a_get(people, world):
    referral = refer(people, world)
    assert client_for(people.counsellor).get(url("referral_letter", referral.pk)).status_code == 405
    assert not Disclosure.objects.exists()


# ---------------------------------------------------------------------------------------------
# The referral page and closing the loop


def test_the_team_opens_the_referral_and_the_read_is_audited(people, world):
    referral = refer(people, world)
    response = client_for(people.supervisor).get(url("referral_detail", referral.pk))
    assert response.status_code == 200 and response.context["can_work"]
    assert REASON in response.content.decode()
    assert AuditEntry.objects.filter(
        action="referral.viewed", actor=people.supervisor, object_id=str(referral.pk)
    ).exists()


@pytest.mark.parametrize("role", ["outsider", "colleague", "worker"])
def test_the_referral_page_is_404_outside_the_team(people, world, role):
    referral = refer(people, world)
    response = client_for(getattr(people, role)).get(url("referral_detail", referral.pk))
    assert response.status_code == 404
    assert "referral.viewed" not in referral_audit_actions()


def test_the_referral_page_refuses_other_methods(people, world):
    referral = refer(people, world)
    assert client_for(people.counsellor).post(url("referral_detail", referral.pk)).status_code == 405


def test_the_counsellor_confirms_the_receipt_once(people, world):
    referral = refer(people, world)
    client = client_for(people.counsellor)
    received = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url("referral_confirm_receipt", referral.pk), {"received_at": received, "note": "门诊李护士确认"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.receipt_confirmed_at is not None and referral.receipt_note == "门诊李护士确认"
    again = client.post(url("referral_confirm_receipt", referral.pk), {"received_at": received})
    assert again.status_code == 400 and again.context["receipt_form"].non_field_errors()
    assert AuditEntry.objects.filter(action="referral.receipt_confirmed").count() == 1


def test_a_receipt_in_the_future_or_before_the_referral_is_refused(people, world):
    referral = refer(people, world)
    with pytest.raises(ValidationError):
        referral_confirm_receipt(
            actor=people.counsellor, referral=referral, received_at=timezone.now() + timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        referral_confirm_receipt(
            actor=people.counsellor, referral=referral, received_at=referral.referred_at - timedelta(days=1)
        )
    response = client_for(people.counsellor).post(
        url("referral_confirm_receipt", referral.pk), {"received_at": "x"}
    )
    assert response.status_code == 400 and response.context["receipt_form"].errors["received_at"]
    assert Referral.objects.get(pk=referral.pk).receipt_confirmed_at is None


def test_the_outcome_comes_after_the_receipt(people, world):
    referral = refer(people, world)
    client = client_for(people.counsellor)
    early = client.post(url("referral_outcome", referral.pk), {"outcome": "已住院治疗"})
    assert early.status_code == 400
    assert not Referral.objects.get(pk=referral.pk).outcome
    referral_confirm_receipt(actor=people.counsellor, referral=referral, received_at=timezone.now())
    assert client.post(url("referral_outcome", referral.pk), {"outcome": "已住院治疗"}).status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "已住院治疗" and referral.outcome_recorded_at is not None
    assert AuditEntry.objects.filter(action="referral.outcome_recorded").exists()


def test_a_closed_case_still_closes_its_referral_s_loop(people, world):
    referral = refer(people, world)
    Case.objects.filter(pk=world.case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), outcome=Case.Outcome.REFERRED
    )
    referral = Referral.objects.get(pk=referral.pk)
    referral_confirm_receipt(actor=people.counsellor, referral=referral, received_at=timezone.now())
    referral_record_outcome(actor=people.counsellor, referral=referral, outcome="门诊随访中")
    assert Referral.objects.get(pk=referral.pk).outcome == "门诊随访中"


@pytest.mark.parametrize("role", ["outsider", "colleague"])
def test_receipt_and_outcome_are_404_outside_the_team_and_nothing_changes(people, world, role):
    referral = refer(people, world)
    client = client_for(getattr(people, role))
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.post(url("referral_confirm_receipt", referral.pk), {"received_at": now}).status_code == 404
    assert client.post(url("referral_outcome", referral.pk), {"outcome": "x"}).status_code == 404
    referral.refresh_from_db()
    assert referral.receipt_confirmed_at is None and referral.outcome == ""
    assert referral_audit_actions() == {"referral.created"}


def test_a_reader_through_a_grant_may_not_close_the_loop(people, world):
    referral = refer(people, world)
    grant_to(people.colleague, world.resident.archive)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client_for(people.colleague).post(
        url("referral_confirm_receipt", referral.pk), {"received_at": now}
    )
    assert response.status_code == 403
    assert Referral.objects.get(pk=referral.pk).receipt_confirmed_at is None


def test_receipt_and_outcome_answer_only_post(people, world):
    referral = refer(people, world)
    client = client_for(people.counsellor)
    assert client.get(url("referral_confirm_receipt", referral.pk)).status_code == 405
    assert client.get(url("referral_outcome", referral.pk)).status_code == 405


# ---------------------------------------------------------------------------------------------
# The list, and referrals waiting too long for their receipt


def test_a_referral_with_no_receipt_after_the_set_days_is_listed_until_received(people, world, settings):
    settings.XINQIAO_REFERRAL_RECEIPT_DAYS = 7
    referral = refer(people, world)
    assert list(referrals_awaiting_receipt(user=people.counsellor)) == []
    with time_machine.travel(timezone.now() + timedelta(days=6), tick=False):
        assert list(referrals_awaiting_receipt(user=people.counsellor)) == []
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        response = client_for(people.counsellor).get(url("referral_list"))
        assert [r.pk for r in response.context["overdue"]] == [referral.pk]
        assert response.context["receipt_days"] == 7
        assert [r.pk for r in referrals_awaiting_receipt(user=people.supervisor)] == [referral.pk]
        assert list(referrals_awaiting_receipt(user=people.outsider)) == []
        referral_confirm_receipt(actor=people.counsellor, referral=referral, received_at=timezone.now())
        assert list(referrals_awaiting_receipt(user=people.counsellor)) == []


def test_the_overdue_selector_takes_the_moment_to_count_from(people, world):
    referral = refer(people, world)
    later = timezone.now() + timedelta(days=30)
    assert list(referrals_awaiting_receipt(user=people.counsellor, now=later)) == [referral]


def test_the_list_shows_the_referrals_of_cases_one_sees(people, world, tree):
    mine = refer(people, world)
    other_resident = register(
        people.outsider, tree.pine, name="李四", id_number=valid_id("11010119851111234")
    )
    other_case = Case.objects.create(
        number="C0002",
        resident=other_resident,
        counsellor=people.outsider,
        presenting_problem="焦虑",
        opened_at=timezone.now(),
        opened_by=people.outsider,
    )
    theirs = referral_create(
        actor=people.outsider, case=other_case, institution=world.hospital, reason="焦虑", urgency="routine"
    )
    assert [r.pk for r in client_for(people.counsellor).get(url("referral_list")).context["page"]] == [
        mine.pk
    ]
    assert [r.pk for r in client_for(people.outsider).get(url("referral_list")).context["page"]] == [
        theirs.pk
    ]
    assert {r.pk for r in client_for(people.director).get(url("referral_list")).context["page"]} == {
        mine.pk,
        theirs.pk,
    }


@pytest.mark.parametrize("role", ["worker", "archivist", "volunteer"])
def test_roles_without_clinical_content_are_refused_the_list(people, world, role):
    assert client_for(getattr(people, role)).get(url("referral_list")).status_code == 403


def test_the_list_answers_only_get(people, world):
    assert client_for(people.counsellor).post(url("referral_list")).status_code == 405


def test_the_list_needs_the_same_few_queries_however_many_referrals(
    people, world, django_assert_max_num_queries
):
    def add_referrals(start, count):
        for n in range(start, start + count):
            case = make_case(people, world.resident, f"C1{n:03d}")
            referral = referral_create(
                actor=people.counsellor,
                case=case,
                institution=world.hospital,
                reason=REASON,
                urgency="routine",
            )
            Referral.objects.filter(pk=referral.pk).update(referred_at=timezone.now() - timedelta(days=30))

    client = client_for(people.supervisor)
    add_referrals(0, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(url("referral_list"))
    add_referrals(2, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("referral_list"))
    assert len(response.context["overdue"]) == 10
