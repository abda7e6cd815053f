"""Issue 18 #7 (PRT-2): the outbox tells the truth. Its messages are 待转达 (to relay) until a
person phones them through (已转达, by whom and when) or gives up (失败/无法联系, with a note);
only a real channel makes a message 已发送. The 待转达 work list is for staff who handle
appointments, scoped like the outbox, and counted in the navigation from the same selector."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from dashboard.navigation import Navigation
from lib.identity import tel_uri
from notifications.models import Notification
from notifications.selectors import relay_worklist
from notifications.services import (
    notification_mark_relayed,
    notification_mark_unreachable,
    notifications_retry_failed,
)
from orgs.services import service_site_create
from workflow.models import Appointment

pytestmark = pytest.mark.django_db

RELAY_LIST = reverse("notifications:relay_list")


def relayed_url(n) -> str:
    return reverse("notifications:mark_relayed", args=[n.pk])


def unreachable_url(n) -> str:
    return reverse("notifications:mark_unreachable", args=[n.pk])


def appointment_for(site, counsellor) -> Appointment:
    starts = timezone.now() + timedelta(days=1)
    return Appointment.objects.create(
        site=site,
        counsellor=counsellor,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        service=Appointment.Service.COUNSELLING,
        channel=Appointment.Channel.PHONE,
        status=Appointment.Status.CONFIRMED,
        contact_name="张三",
        contact_phone="+8613912345678",
    )


def to_relay(key: str, appointment: Appointment, **fields) -> Notification:
    values = {
        "kind": Notification.Kind.APPOINTMENT_REMINDER,
        "channel": Notification.Channel.OUTBOX,
        "subject": f"提醒 {key}",
        "body": f"您好，{key} 明天14:00的预约。",
        "dedupe_key": key,
        "status": Notification.Status.TO_RELAY,
        "recipient_name": appointment.contact_name,
        "recipient_address": "139 1234 5678",
        "related_type": "workflow.appointment",
        "related_id": str(appointment.pk),
        **fields,
    }
    return Notification.objects.create(**values)


@pytest.fixture
def calls(people, tree):
    """Two messages to relay about the counsellor's appointment, one about the outsider's."""
    willow = service_site_create(actor=None, name="柳岸服务站", org_unit=tree.willow)
    pine = service_site_create(actor=None, name="松林服务站", org_unit=tree.pine)
    mine = appointment_for(willow, people.counsellor)
    theirs = appointment_for(pine, people.outsider)
    return type(
        "Calls",
        (),
        {
            "mine": to_relay("appointment:mine", mine),
            "mine_sent": to_relay(
                "appointment:mine:sms",
                mine,
                channel=Notification.Channel.SMS,
                status=Notification.Status.SENT,
                sent_at=timezone.now(),
            ),
            "theirs": to_relay("appointment:theirs", theirs, recipient_name="李四"),
        },
    )


# ----------------------------------------------------------------------------- states


def test_the_state_table_names_every_state_of_a_message():
    assert Notification.ACTIONS.unlisted_states() == ()
    assert Notification.ACTIONS.states_allowing("mark_relayed") == (Notification.Status.TO_RELAY,)


def test_the_migration_makes_old_outbox_sent_rows_to_relay_and_leaves_real_channels_sent(people):
    old_outbox = Notification.objects.create(
        kind="other",
        channel="outbox",
        subject="s",
        body="b",
        dedupe_key="o",
        status="sent",
        sent_at=timezone.now(),
    )
    old_sms = Notification.objects.create(
        kind="other",
        channel="sms",
        subject="s",
        body="b",
        dedupe_key="s",
        status="sent",
        sent_at=timezone.now(),
    )
    migration = importlib.import_module("notifications.migrations.0003_outbox_sent_becomes_to_relay")
    migration.forwards(apps, None)
    old_outbox.refresh_from_db()
    old_sms.refresh_from_db()
    assert old_outbox.status == "to_relay" and old_outbox.sent_at is None
    assert old_sms.status == "sent" and old_sms.sent_at is not None


def test_marking_relayed_records_who_and_when_and_is_audited(people, calls):
    when = timezone.now() - timedelta(minutes=3)
    row = notification_mark_relayed(actor=people.counsellor, notification=calls.mine, now=when)
    row.refresh_from_db()
    assert row.status == Notification.Status.RELAYED
    assert row.relayed_by == people.counsellor and row.relayed_at == when
    entry = AuditEntry.objects.get(action="notification.relayed")
    assert entry.actor == people.counsellor and entry.object_id == str(row.pk)


def test_the_outbox_and_the_message_show_who_relayed_it_and_when(as_user, people, calls):
    people.counsellor.full_name = "陈咨询"
    people.counsellor.save()
    notification_mark_relayed(actor=people.counsellor, notification=calls.mine)
    client = as_user(people.director)
    listing = client.get(reverse("notifications:outbox")).content.decode()
    assert "已转达" in listing and "陈咨询" in listing
    detail = client.get(reverse("notifications:detail", args=[calls.mine.pk])).content.decode()
    assert 'id="relayed-by"' in detail and "陈咨询" in detail


def test_marking_relayed_twice_records_it_once(people, calls):
    first = notification_mark_relayed(actor=people.counsellor, notification=calls.mine)
    second = notification_mark_relayed(actor=people.director, notification=calls.mine)
    assert second.relayed_by == people.counsellor and second.relayed_at == first.relayed_at
    assert AuditEntry.objects.filter(action="notification.relayed").count() == 1


def test_a_message_sent_by_a_real_channel_cannot_be_marked_relayed(people, calls):
    with pytest.raises(ValidationError) as refused:
        notification_mark_relayed(actor=people.counsellor, notification=calls.mine_sent)
    assert "已发送" in refused.value.messages[0]
    calls.mine_sent.refresh_from_db()
    assert calls.mine_sent.status == Notification.Status.SENT and calls.mine_sent.relayed_by is None


def test_a_message_out_of_ones_reach_cannot_be_marked_and_nothing_is_written(people, calls):
    with pytest.raises(Http404):
        notification_mark_relayed(actor=people.counsellor, notification=calls.theirs)
    with pytest.raises(Http404):
        notification_mark_relayed(actor=people.volunteer, notification=calls.mine)
    assert Notification.objects.filter(status=Notification.Status.RELAYED).count() == 0
    assert not AuditEntry.objects.filter(action="notification.relayed").exists()


def test_unreachable_needs_a_note_and_records_who_when_and_the_note(people, calls):
    with pytest.raises(ValidationError) as refused:
        notification_mark_unreachable(actor=people.counsellor, notification=calls.mine, note="  ")
    assert "note" in refused.value.message_dict
    calls.mine.refresh_from_db()
    assert calls.mine.status == Notification.Status.TO_RELAY
    row = notification_mark_unreachable(actor=people.counsellor, notification=calls.mine, note="三次无人接听")
    row.refresh_from_db()
    assert row.status == Notification.Status.UNREACHABLE and row.relay_note == "三次无人接听"
    assert row.relayed_by == people.counsellor and row.relayed_at is not None
    assert AuditEntry.objects.filter(action="notification.unreachable").count() == 1


def test_a_message_given_up_on_is_not_brought_back_by_the_retry_job(people, calls):
    notification_mark_unreachable(actor=people.counsellor, notification=calls.mine, note="空号")
    assert notifications_retry_failed() == 0
    calls.mine.refresh_from_db()
    assert calls.mine.status == Notification.Status.UNREACHABLE


def test_a_tel_link_has_no_spaces():
    assert tel_uri("139 1234 5678") == "tel:+8613912345678"
    assert tel_uri("0571-8800 1234") == "tel:+8657188001234"
    assert tel_uri("12 34") == "tel:1234"
    assert tel_uri("") == ""


# ----------------------------------------------------------------------------- the work list


def test_the_counsellor_lists_only_messages_to_relay_about_their_appointments(as_user, people, calls):
    response = as_user(people.counsellor).get(RELAY_LIST)
    assert response.status_code == 200
    assert [n.pk for n in response.context["page"]] == [calls.mine.pk]
    assert response.context["count"] == relay_worklist(user=people.counsellor).count() == 1
    body = response.content.decode()
    assert 'href="tel:+8613912345678"' in body
    assert calls.mine.body in body and "张三" in body
    assert f'action="{relayed_url(calls.mine)}"' in body and f'action="{unreachable_url(calls.mine)}"' in body
    assert "李四" not in body


def test_reading_the_list_is_audited_with_the_rows_shown(as_user, people, calls):
    as_user(people.director).get(RELAY_LIST)
    entry = AuditEntry.objects.get(action="list.viewed", object_type="notifications.notification")
    assert entry.actor == people.director
    assert set(entry.details["ids"]) == {str(calls.mine.pk), str(calls.theirs.pk)}


@pytest.mark.parametrize("role", ["volunteer", "teacher", "admin", "finance"])
def test_those_who_do_not_relay_get_a_404_and_see_no_number(as_user, people, calls, role):
    response = as_user(getattr(people, role)).get(RELAY_LIST)
    assert response.status_code == 404
    assert "13912345678" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="list.viewed").exists()


def test_the_list_needs_a_login(client, calls):
    response = client.get(RELAY_LIST)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_list_refuses_a_post(as_user, people, calls):
    assert as_user(people.counsellor).post(RELAY_LIST).status_code == 405


def test_the_list_reads_a_bounded_number_of_queries(as_user, people, calls, django_assert_max_num_queries):
    appointment = Appointment.objects.get(pk=calls.mine.related_id)
    for n in range(20):
        to_relay(f"bulk:{n}", appointment)
    client = as_user(people.counsellor)
    client.get(RELAY_LIST)  # the session and the second factor are read once, as on any page
    # SQLite measures 16 whatever the number of rows (session and second factor, the page and its
    # count, the audit entry in its savepoint, the menu's counts, the alert banner, the session
    # saved); on PostgreSQL the audit chain's lock costs one more, hence 17.
    with django_assert_max_num_queries(17):
        response = client.get(RELAY_LIST)
    assert len(response.context["page"]) == 21


def test_the_relayed_button_records_it_and_leaves_the_list(as_user, people, calls):
    client = as_user(people.counsellor)
    response = client.post(relayed_url(calls.mine))
    assert response.status_code == 302 and response["Location"] == RELAY_LIST
    calls.mine.refresh_from_db()
    assert calls.mine.status == Notification.Status.RELAYED and calls.mine.relayed_by == people.counsellor
    assert client.get(RELAY_LIST).context["count"] == 0
    # Clicking again (a second tab, a resubmitted form) changes nothing.
    assert client.post(relayed_url(calls.mine)).status_code == 302
    assert AuditEntry.objects.filter(action="notification.relayed").count() == 1


def test_the_relayed_button_refuses_a_get_and_writes_nothing(as_user, people, calls):
    assert as_user(people.counsellor).get(relayed_url(calls.mine)).status_code == 405
    calls.mine.refresh_from_db()
    assert calls.mine.status == Notification.Status.TO_RELAY


@pytest.mark.parametrize("role", ["counsellor", "volunteer"])
def test_relaying_a_message_out_of_reach_is_a_404_and_writes_nothing(as_user, people, calls, role):
    target = calls.theirs if role == "counsellor" else calls.mine
    response = as_user(getattr(people, role)).post(relayed_url(target))
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.status == Notification.Status.TO_RELAY and target.relayed_by is None
    assert not AuditEntry.objects.filter(action="notification.relayed").exists()


def test_the_unreachable_button_takes_a_note(as_user, people, calls):
    client = as_user(people.counsellor)
    client.post(unreachable_url(calls.mine), {"note": ""})
    calls.mine.refresh_from_db()
    assert calls.mine.status == Notification.Status.TO_RELAY
    response = client.post(unreachable_url(calls.mine), {"note": "号码已停机"})
    assert response.status_code == 302
    calls.mine.refresh_from_db()
    assert calls.mine.status == Notification.Status.UNREACHABLE and calls.mine.relay_note == "号码已停机"


def test_the_unreachable_button_refuses_a_get_and_a_volunteer(as_user, people, calls):
    assert as_user(people.counsellor).get(unreachable_url(calls.mine)).status_code == 405
    assert as_user(people.volunteer).post(unreachable_url(calls.mine), {"note": "x"}).status_code == 404
    calls.mine.refresh_from_db()
    assert calls.mine.status == Notification.Status.TO_RELAY


def test_a_message_to_oneself_is_not_on_ones_list_but_a_message_to_a_colleague_is(as_user, people, calls):
    people.colleague.phone = "13800001111"
    people.colleague.save()
    base = {"kind": "other", "channel": "outbox", "subject": "s", "body": "b", "status": "to_relay"}
    Notification.objects.create(dedupe_key="to-me", recipient_user=people.director, **base)
    to_colleague = Notification.objects.create(
        dedupe_key="to-colleague", recipient_user=people.colleague, **base
    )
    response = as_user(people.director).get(RELAY_LIST)
    assert {n.pk for n in response.context["page"]} == {calls.mine.pk, calls.theirs.pk, to_colleague.pk}
    assert 'href="tel:+8613800001111"' in response.content.decode()


# ----------------------------------------------------------------------------- the navigation


def test_the_navigation_counts_the_messages_waiting_from_the_lists_selector(people, calls):
    counts = Navigation(people.counsellor, "/staff/").counts()
    assert counts["notifications:relay_list"] == relay_worklist(user=people.counsellor).count() == 1
    assert Navigation(people.director, "/staff/").counts()["notifications:relay_list"] == 2
    assert "notifications:relay_list" not in Navigation(people.volunteer, "/staff/").counts()


def test_the_relay_count_is_read_in_the_navigations_one_query(people, calls):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    navigation = Navigation(people.counsellor, "/staff/")
    with CaptureQueriesContext(connection) as queries:
        navigation.drawn()
    assert len(queries) == 1
