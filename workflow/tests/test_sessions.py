"""SVC-5 / SVC-10: session records (encrypted, numbered, completing an appointment in one step),
home visits with enough people, and private process notes that only their author ever sees —
not the supervisor, not the director, not an export."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from confidentiality.models import AuditEntry
from workflow.models import Appointment, AppointmentChange, PrivateNote, SessionRecord
from workflow.services.cases import case_close
from workflow.services.sessions import (
    private_note_read,
    private_note_save,
    session_record_create,
)

from .case_support import checked_in_appointment, client_for

# The fixtures (clients, case, site) live beside the helpers.
pytest_plugins = ["workflow.tests.case_fixtures"]

pytestmark = pytest.mark.django_db

NOTE = "来访者移情明显，我感到烦躁——督导时再想想"
CONTENT = "讨论睡眠日记，练习腹式呼吸"


def url(name, *args):
    return reverse(f"workflow:{name}", args=args)


def values(**overrides):
    data = {
        "held_at": timezone.now() - timedelta(hours=1),
        "duration_minutes": 50,
        "modality": "face_to_face",
        "content": CONTENT,
    }
    data.update(overrides)
    return data


def form_data(**overrides):
    data = {
        "held_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "50",
        "modality": "face_to_face",
        "content": CONTENT,
    }
    data.update(overrides)
    return data


@pytest.fixture
def supervised(people):
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    return people


# ---------------------------------------------------------------------------------------------
# Session records


def test_sessions_are_numbered_in_their_case_and_encrypted_at_rest(people, case):
    first = session_record_create(actor=people.counsellor, case=case, **values())
    second = session_record_create(actor=people.counsellor, case=case, **values(client_feedback="有帮助"))
    assert (first.number, second.number) == (1, 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT content, client_feedback FROM workflow_sessionrecord WHERE id = %s", [second.pk]
        )
        content, feedback = cursor.fetchone()
    assert CONTENT not in content and "有帮助" not in feedback
    assert SessionRecord.objects.get(pk=second.pk).content == CONTENT
    assert AuditEntry.objects.filter(action="session.recorded").count() == 2


def test_a_closed_case_takes_no_session(people, case):
    case_close(actor=people.counsellor, case=case, outcome="resolved", summary="结案")
    with pytest.raises(ValidationError, match="已结案"):
        session_record_create(actor=people.counsellor, case=case, **values())
    response = client_for(people.counsellor).post(url("session_create", case.pk), form_data())
    assert response.status_code == 302 and response["Location"] == url("case_detail", case.pk)
    assert not SessionRecord.objects.exists()


def test_only_the_case_team_records_sessions(people, case):
    for role in ("colleague", "outsider", "worker", "volunteer"):
        with pytest.raises(PermissionDenied):
            session_record_create(actor=getattr(people, role), case=case, **values())
    assert not SessionRecord.objects.exists()


def test_a_session_completes_its_appointment_in_one_step(people, case, clients, site):
    appointment = checked_in_appointment(people, site, clients.zhang)
    session = session_record_create(actor=people.counsellor, case=case, appointment=appointment, **values())
    appointment.refresh_from_db()
    assert session.appointment == appointment
    assert appointment.status == Appointment.Status.COMPLETED and appointment.case == case
    assert AppointmentChange.objects.filter(appointment=appointment, kind="completed").exists()
    with pytest.raises(ValidationError):
        session_record_create(actor=people.counsellor, case=case, appointment=appointment, **values())
    assert SessionRecord.objects.count() == 1


def test_an_appointment_of_another_client_or_not_checked_in_completes_nothing(people, case, clients, site):
    others = checked_in_appointment(people, site, clients.li)
    waiting = checked_in_appointment(people, site, clients.zhang, status=Appointment.Status.CONFIRMED)
    for appointment, message in ((others, "不属于本个案的来访者"), (waiting, "签到后")):
        with pytest.raises(ValidationError, match=message):
            session_record_create(actor=people.counsellor, case=case, appointment=appointment, **values())
    assert not SessionRecord.objects.exists()
    assert Appointment.objects.get(pk=waiting.pk).status == Appointment.Status.CONFIRMED


def test_the_session_page_prefills_from_the_appointment_and_completes_it(people, case, clients, site):
    appointment = checked_in_appointment(people, site, clients.zhang, service=Appointment.Service.HOME_VISIT)
    appointment.address = "柳岸路8号"
    appointment.save(update_fields=["address"])
    client = client_for(people.counsellor)
    create = url("session_create", case.pk) + f"?appointment={appointment.pk}"
    page = client.get(create)
    initial = page.context["form"].initial
    assert (initial["duration_minutes"], initial["modality"], initial["address"]) == (
        50,
        "home_visit",
        "柳岸路8号",
    )
    response = client.post(
        create, form_data(modality="face_to_face", held_at=initial["held_at"].strftime("%Y-%m-%dT%H:%M"))
    )
    session = SessionRecord.objects.get()
    assert response["Location"] == url("session_detail", session.pk)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.COMPLETED


def test_the_session_page_refuses_an_appointment_of_another_client(people, case, clients, site):
    appointment = checked_in_appointment(people, site, clients.li)
    response = client_for(people.counsellor).get(
        url("session_create", case.pk) + f"?appointment={appointment.pk}"
    )
    assert response.status_code == 404


# ---------------------------------------------------------------------------------------------
# Home visits


def test_a_home_visit_needs_an_address_and_a_companion(people, case, settings):
    settings.XINQIAO_HOME_VISIT_MIN_PEOPLE = 2
    with pytest.raises(ValidationError) as error:
        session_record_create(actor=people.counsellor, case=case, **values(modality="home_visit"))
    assert {"address", "companions"} <= set(error.value.message_dict)
    assert "至少需要 2 人" in " ".join(error.value.message_dict["companions"])
    visit = session_record_create(
        actor=people.counsellor,
        case=case,
        **values(modality="home_visit", address="柳岸路8号3单元502室", companions=[people.colleague]),
    )
    assert list(visit.companions.all()) == [people.colleague]


def test_a_volunteer_counts_on_a_home_visit_only_when_the_setting_says_so(people, case, settings):
    settings.XINQIAO_HOME_VISIT_MIN_PEOPLE = 2
    visit = values(modality="home_visit", address="柳岸路8号", companions=[people.volunteer])
    settings.XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS = False
    with pytest.raises(ValidationError, match="志愿者不计入"):
        session_record_create(actor=people.counsellor, case=case, **visit)
    settings.XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS = True
    assert session_record_create(actor=people.counsellor, case=case, **visit).number == 1


def test_the_recorder_does_not_count_twice(people, case, settings):
    settings.XINQIAO_HOME_VISIT_MIN_PEOPLE = 2
    with pytest.raises(ValidationError):
        session_record_create(
            actor=people.counsellor,
            case=case,
            **values(modality="home_visit", address="柳岸路8号", companions=[people.counsellor]),
        )


def test_the_home_visit_form_shows_the_rule_in_words(people, case):
    response = client_for(people.counsellor).post(
        url("session_create", case.pk), form_data(modality="home_visit")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "address" in errors and "companions" in errors
    assert not SessionRecord.objects.exists()


# ---------------------------------------------------------------------------------------------
# Session pages


def test_the_counsellor_records_a_session_with_a_private_note_on_the_page(people, case):
    client = client_for(people.counsellor)
    assert client.get(url("session_create", case.pk)).status_code == 200
    response = client.post(url("session_create", case.pk), form_data(private_note=NOTE))
    session = SessionRecord.objects.get()
    assert response["Location"] == url("session_detail", session.pk)
    note = PrivateNote.objects.get()
    assert (note.session, note.author, note.text) == (session, people.counsellor, NOTE)


@pytest.mark.parametrize(
    ("role", "status"), [("supervisor", 200), ("director", 200), ("outsider", 404), ("colleague", 404)]
)
def test_the_session_page_is_for_the_case_team(supervised, case, role, status):
    session = session_record_create(actor=supervised.counsellor, case=case, **values())
    assert client_for(getattr(supervised, role)).get(url("session_detail", session.pk)).status_code == status


def test_the_session_pages_refuse_the_wrong_method(people, case):
    session = session_record_create(actor=people.counsellor, case=case, **values())
    client = client_for(people.counsellor)
    assert client.post(url("session_detail", session.pk)).status_code == 405
    assert client.put(url("session_create", case.pk)).status_code == 405
    assert client.delete(url("private_note", session.pk)).status_code == 405


# ---------------------------------------------------------------------------------------------
# Private process notes


@pytest.fixture
def noted(supervised, case):
    session = session_record_create(actor=supervised.counsellor, case=case, **values(private_note=NOTE))
    return session


def test_the_author_opens_their_note_and_the_opening_is_audited(people, noted):
    client = client_for(people.counsellor)
    page = client.get(url("session_detail", noted.pk)).content.decode()
    assert url("private_note", noted.pk) in page
    assert NOTE not in page  # opened on request only, so that each opening is audited
    assert not AuditEntry.objects.filter(action="private_note.viewed").exists()
    panel = client.get(url("private_note", noted.pk), HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and NOTE in panel.content.decode()
    assert "<html" not in panel.content.decode()  # the partial alone
    assert AuditEntry.objects.filter(action="private_note.viewed", actor=people.counsellor).count() == 1


def test_the_author_edits_and_empties_their_note(people, noted):
    client = client_for(people.counsellor)
    saved = client.post(url("private_note", noted.pk), {"text": "改写后的笔记"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "改写后的笔记" in saved.content.decode()
    assert PrivateNote.objects.get().text == "改写后的笔记"
    client.post(url("private_note", noted.pk), {"text": ""})
    assert not PrivateNote.objects.exists()


def test_the_note_is_encrypted_at_rest(people, noted):
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM workflow_privatenote")
        assert NOTE not in cursor.fetchone()[0]


@pytest.mark.parametrize("role", ["supervisor", "director", "east_director"])
def test_the_supervisor_and_the_director_see_the_session_but_never_the_note(people, noted, role):
    client = client_for(getattr(people, role))
    page = client.get(url("session_detail", noted.pk))
    assert page.status_code == 200 and CONTENT in page.content.decode()
    assert NOTE not in page.content.decode()
    assert url("private_note", noted.pk) not in page.content.decode()
    assert client.get(url("private_note", noted.pk)).status_code == 404
    assert client.get(url("private_note", noted.pk), HTTP_HX_REQUEST="true").status_code == 404
    assert client.post(url("private_note", noted.pk), {"text": "覆盖"}).status_code == 404
    assert NOTE not in client.get(url("case_detail", noted.case_id)).content.decode()
    assert PrivateNote.objects.get().text == NOTE
    with pytest.raises(PermissionDenied):
        private_note_read(actor=getattr(people, role), session=noted)
    with pytest.raises(PermissionDenied):
        private_note_save(actor=getattr(people, role), session=noted, text="x")


def test_after_a_transfer_the_new_counsellor_keeps_their_own_note_and_never_reads_the_old_one(people, noted):
    from workflow.services.cases import case_transfer

    case_transfer(actor=people.counsellor, case=noted.case, to_counsellor=people.colleague, reason="休假")
    assert private_note_read(actor=people.colleague, session=noted) is None
    private_note_save(actor=people.colleague, session=noted, text="我的笔记")
    page = client_for(people.colleague).get(url("private_note", noted.pk)).content.decode()
    assert "我的笔记" in page and NOTE not in page
    assert PrivateNote.objects.count() == 2


def test_no_export_holds_a_private_note(people, noted, clients):
    client = client_for(people.director)
    export = reverse("archives:export", args=[clients.zhang.pk])
    base = {"recipient": "居民本人", "purpose": "本人查阅申请", "basis": "consent"}
    as_json = client.post(export, {**base, "file_format": "json"})
    assert as_json.status_code == 200
    data = json.loads(as_json.content)
    text = json.dumps(data, ensure_ascii=False)
    assert "clinical" in data and noted.case.number in text  # the session is in the timeline…
    assert NOTE not in text  # …its private note is not
    as_pdf = client.post(export, {**base, "file_format": "pdf"})
    assert as_pdf.status_code == 200
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(as_pdf.content)).pages)
    assert noted.case.number in pdf_text.replace("\n", "")
    assert NOTE not in pdf_text and "来访者移情" not in pdf_text
    printed = client.get(reverse("archives:print", args=[clients.zhang.pk])).content.decode()
    assert NOTE not in printed
