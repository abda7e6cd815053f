"""CRI-1: a counsellor flags a risk on an archive or a session; the flag is a risk signal at once
("immediate danger" → red by the default rules). Only those who see the person's clinical content
may flag: everyone else gets a 404 (or a 403 when the role may not flag at all), and nothing is
written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from confidentiality.models import AuditEntry
from core.models import CentreProfile
from crisis.models import Alert, Level, RiskSignal
from crisis.services.concerns import risk_flag_raise
from workflow.services.sessions import session_record_create
from workflow.tests.case_support import client_for

pytest_plugins = ["workflow.tests.case_fixtures"]

pytestmark = pytest.mark.django_db

NOTE = "来访者说已经写好遗书，周末打算去江边"
HOTLINE = "0571-96525"


def flag_url(**query):
    base = reverse("crisis:flag_create")
    return f"{base}?{'&'.join(f'{key}={value}' for key, value in query.items())}" if query else base


def nothing_written():
    return (RiskSignal.objects.count(), Alert.objects.count()) == (0, 0)


@pytest.fixture
def centre(db):
    return CentreProfile.objects.create(hotline=HOTLINE, hotline_hours="24小时")


@pytest.fixture
def session(people, case):
    return session_record_create(
        actor=people.counsellor,
        case=case,
        held_at=timezone.now() - timedelta(hours=1),
        duration_minutes=50,
        modality="face_to_face",
        content="讨论睡眠日记",
    )


# ---------------------------------------------------------------------------------------------
# The service


def test_a_counsellor_flag_raises_a_counsellor_signal_and_an_orange_alert(people, clients, case):
    signal, alert = risk_flag_raise(actor=people.counsellor, resident=clients.zhang, note=NOTE)
    assert (signal.source, signal.resident, signal.reported_by, signal.immediate_danger) == (
        RiskSignal.Source.COUNSELLOR,
        clients.zhang,
        people.counsellor,
        False,
    )
    assert signal.note == NOTE
    assert alert.level == Level.ORANGE
    entry = AuditEntry.objects.get(action="risk_flag.raised")
    assert entry.object_id == str(clients.zhang.archive.pk)
    assert NOTE not in str(entry.details)


def test_immediate_danger_raises_a_red_alert(people, clients, case):
    _signal, alert = risk_flag_raise(
        actor=people.counsellor, resident=clients.zhang, note=NOTE, immediate_danger=True
    )
    assert alert.level == Level.RED


def test_a_second_flag_joins_the_open_alert_and_raises_its_level(people, clients, case):
    _signal, first = risk_flag_raise(actor=people.counsellor, resident=clients.zhang, note=NOTE)
    _signal, second = risk_flag_raise(
        actor=people.supervisor, resident=clients.zhang, note=NOTE, immediate_danger=True
    )
    assert first.pk == second.pk
    assert Alert.objects.get().level == Level.RED


def test_a_flag_from_a_session_names_the_session_in_the_note(people, clients, case, session):
    signal, _alert = risk_flag_raise(
        actor=people.counsellor, resident=clients.zhang, note=NOTE, session=session
    )
    assert case.number in signal.note and NOTE in signal.note


def test_a_session_of_another_person_is_refused_with_a_reason(people, clients, case, session):
    with pytest.raises(ValidationError) as error:
        risk_flag_raise(actor=people.director, resident=clients.li, note=NOTE, session=session)
    assert "session" in error.value.message_dict
    assert nothing_written()


def test_a_note_is_required(people, clients, case):
    with pytest.raises(ValidationError) as error:
        risk_flag_raise(actor=people.counsellor, resident=clients.zhang, note="   ")
    assert "note" in error.value.message_dict
    assert nothing_written()


@pytest.mark.parametrize("role", ["colleague", "outsider", "worker", "admin", "archivist"])
def test_those_who_do_not_see_the_clinical_content_may_not_flag(people, clients, case, role):
    with pytest.raises(PermissionDenied):
        risk_flag_raise(actor=getattr(people, role), resident=clients.zhang, note=NOTE)
    assert nothing_written()


# ---------------------------------------------------------------------------------------------
# The page, from an archive


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "director"])
def test_the_archive_team_opens_the_flag_page_with_the_crisis_resources(people, clients, case, centre, role):
    response = client_for(getattr(people, role)).get(flag_url(resident=clients.zhang.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "张三" in page
    assert HOTLINE in page and 'href="tel:110"' in page and 'href="tel:120"' in page
    assert nothing_written()


def test_flagging_from_the_archive_raises_the_signal_and_returns_to_the_archive(people, clients, case):
    client = client_for(people.counsellor)
    response = client.post(flag_url(resident=clients.zhang.pk), {"note": NOTE})
    assert response.status_code == 302
    assert response["Location"] == reverse("archives:detail", args=[clients.zhang.pk])
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.reported_by, signal.note) == ("counsellor", people.counsellor, NOTE)
    assert Alert.objects.get().level == Level.ORANGE


def test_immediate_danger_on_the_page_raises_a_red_alert_and_says_so(people, clients, case):
    client = client_for(people.counsellor)
    response = client.post(
        flag_url(resident=clients.zhang.pk), {"note": NOTE, "immediate_danger": "on"}, follow=True
    )
    assert Alert.objects.get().level == Level.RED
    with translation.override("zh-hans"):
        red = str(Level.RED.label)
    assert any(red in str(message) for message in response.context["messages"])


def test_an_empty_note_is_put_back_on_the_form_and_nothing_is_written(people, clients, case):
    response = client_for(people.counsellor).post(flag_url(resident=clients.zhang.pk), {"note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert nothing_written()


@pytest.mark.parametrize("role", ["colleague", "outsider", "therapist"])
def test_clinical_staff_outside_the_team_get_a_404_and_nothing_is_written(people, clients, case, role):
    client = client_for(getattr(people, role))
    assert client.get(flag_url(resident=clients.zhang.pk)).status_code == 404
    assert client.post(flag_url(resident=clients.zhang.pk), {"note": NOTE}).status_code == 404
    assert nothing_written()
    assert AuditEntry.objects.filter(
        action="access.refused", actor=getattr(people, role), object_type="archives.resident"
    ).exists()


@pytest.mark.parametrize("role", ["worker", "teacher", "volunteer", "admin", "finance", "archivist"])
def test_roles_that_may_not_flag_get_a_403_and_nothing_is_written(people, clients, case, role):
    client = client_for(getattr(people, role))
    assert client.get(flag_url(resident=clients.zhang.pk)).status_code == 403
    assert client.post(flag_url(resident=clients.zhang.pk), {"note": NOTE}).status_code == 403
    assert nothing_written()


@pytest.mark.parametrize("query", [{}, {"resident": "abc"}, {"resident": 999999}, {"session": "x"}])
def test_a_missing_or_unknown_subject_is_a_404(people, clients, case, query):
    assert client_for(people.counsellor).get(flag_url(**query)).status_code == 404


def test_the_flag_page_answers_405_to_other_methods(people, clients, case):
    client = client_for(people.counsellor)
    assert client.put(flag_url(resident=clients.zhang.pk)).status_code == 405
    assert client.delete(flag_url(resident=clients.zhang.pk)).status_code == 405
    assert nothing_written()


# ---------------------------------------------------------------------------------------------
# The page, from a session


def test_flagging_from_a_session_returns_to_the_session(people, clients, case, session, centre):
    client = client_for(people.counsellor)
    page = client.get(flag_url(session=session.pk))
    assert page.status_code == 200
    assert HOTLINE in page.content.decode()
    response = client.post(flag_url(session=session.pk), {"note": NOTE, "immediate_danger": "on"})
    assert response["Location"] == reverse("workflow:session_detail", args=[session.pk])
    signal = RiskSignal.objects.get()
    assert signal.immediate_danger and case.number in signal.note
    assert Alert.objects.get().level == Level.RED


@pytest.mark.parametrize("role", ["colleague", "outsider"])
def test_a_session_out_of_reach_is_a_404_and_nothing_is_written(people, clients, case, session, role):
    client = client_for(getattr(people, role))
    assert client.get(flag_url(session=session.pk)).status_code == 404
    assert client.post(flag_url(session=session.pk), {"note": NOTE}).status_code == 404
    assert nothing_written()


# ---------------------------------------------------------------------------------------------
# The "Flag a risk" buttons


def test_the_archive_offers_the_flag_to_its_clinical_team_only(people, clients, case):
    link = flag_url(resident=clients.zhang.pk)
    archive = reverse("archives:detail", args=[clients.zhang.pk])
    assert link in client_for(people.counsellor).get(archive).content.decode()
    assert link in client_for(people.director).get(archive).content.decode()
    assert link not in client_for(people.colleague).get(archive).content.decode()
    assert link not in client_for(people.worker).get(archive).content.decode()


def test_the_session_page_offers_the_flag(people, clients, case, session):
    page = client_for(people.counsellor).get(reverse("workflow:session_detail", args=[session.pk]))
    assert flag_url(session=session.pk) in page.content.decode()
