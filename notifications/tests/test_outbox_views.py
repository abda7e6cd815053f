"""PRT-2: the outbox screens. Staff see messages to themselves and about appointments they see;
the director sees them all. Opening a body is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from notifications.models import Notification
from orgs.services import service_site_create
from workflow.models import Appointment

pytestmark = pytest.mark.django_db

OUTBOX = reverse("notifications:outbox")


def detail_url(notification) -> str:
    return reverse("notifications:detail", args=[notification.pk])


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
        contact_phone="13912345678",
    )


def message(key: str, **fields) -> Notification:
    values = {
        "kind": Notification.Kind.OTHER,
        "channel": Notification.Channel.OUTBOX,
        "subject": f"subject {key}",
        "body": f"body of {key}",
        "dedupe_key": key,
        "status": Notification.Status.SENT,
        **fields,
    }
    return Notification.objects.create(**values)


@pytest.fixture
def outbox(people, tree):
    """One message of each visibility: to the counsellor, about the counsellor's appointment, to a
    colleague, about the outsider's appointment, and a satisfaction link to a resident."""
    willow = service_site_create(actor=None, name="柳岸服务站", org_unit=tree.willow)
    pine = service_site_create(actor=None, name="松林服务站", org_unit=tree.pine)
    mine = appointment_for(willow, people.counsellor)
    theirs = appointment_for(pine, people.outsider)
    return type(
        "Outbox",
        (),
        {
            "to_me": message(
                "follow-up:1", kind=Notification.Kind.FOLLOW_UP_DUE, recipient_user=people.counsellor
            ),
            "my_appointment": message(
                f"appointment:{mine.pk}:reminder",
                kind=Notification.Kind.APPOINTMENT_REMINDER,
                recipient_name="张三",
                recipient_address="13912345678",
                related_type="workflow.appointment",
                related_id=str(mine.pk),
                channel=Notification.Channel.SMS,
                status=Notification.Status.FAILED,
                error="The SMS channel is not configured",
            ),
            "to_colleague": message(
                "follow-up:2", kind=Notification.Kind.FOLLOW_UP_DUE, recipient_user=people.colleague
            ),
            "their_appointment": message(
                f"appointment:{theirs.pk}:confirmation",
                kind=Notification.Kind.APPOINTMENT_CONFIRMATION,
                recipient_name="李四",
                related_type="workflow.appointment",
                related_id=str(theirs.pk),
            ),
            "satisfaction": message(
                "satisfaction:9:link",
                kind=Notification.Kind.SATISFACTION_LINK,
                recipient_name="王五",
                related_type="workflow.satisfactionsurvey",
                related_id="9",
            ),
        },
    )


def subjects(response) -> set[str]:
    return {n.subject for n in response.context["page"]}


# ----------------------------------------------------------------------------- the list


def test_a_counsellor_sees_messages_to_them_and_about_their_appointments_only(as_user, people, outbox):
    response = as_user(people.counsellor).get(OUTBOX)
    assert response.status_code == 200
    assert subjects(response) == {outbox.to_me.subject, outbox.my_appointment.subject}
    body = response.content.decode()
    assert "The SMS channel is not configured" in body  # the failure reason is shown
    assert "body of" not in body  # bodies only on the audited detail page


def test_the_outsider_sees_only_the_message_about_their_own_appointment(as_user, people, outbox):
    response = as_user(people.outsider).get(OUTBOX)
    assert subjects(response) == {outbox.their_appointment.subject}


def test_the_director_sees_every_message(as_user, people, outbox):
    response = as_user(people.director).get(OUTBOX)
    assert len(subjects(response)) == 5


def test_the_administrator_sees_no_message_about_residents(as_user, people, outbox):
    # A reminder tells who uses counselling: that is not the system administrator's to see.
    response = as_user(people.admin).get(OUTBOX)
    assert response.status_code == 200
    assert subjects(response) == set()
    assert as_user(people.admin).get(detail_url(outbox.satisfaction)).status_code == 404


def test_the_list_is_newest_first(as_user, people, outbox):
    Notification.objects.filter(pk=outbox.to_me.pk).update(created_at=timezone.now() + timedelta(hours=1))
    response = as_user(people.director).get(OUTBOX)
    assert response.context["page"][0].pk == outbox.to_me.pk


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "satisfaction_link"}, {"satisfaction"}),
        ({"status": "failed"}, {"my_appointment"}),
        ({"channel": "sms"}, {"my_appointment"}),
        ({"kind": "follow_up_due", "status": "sent"}, {"to_me", "to_colleague"}),
    ],
)
def test_the_list_filters_by_kind_status_and_channel(as_user, people, outbox, query, expected):
    response = as_user(people.director).get(OUTBOX, query)
    assert subjects(response) == {getattr(outbox, name).subject for name in expected}


def test_the_filters_answer_as_an_htmx_partial(as_user, people, outbox):
    response = as_user(people.director).get(OUTBOX, {"status": "failed"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert outbox.my_appointment.subject in body and outbox.to_me.subject not in body


def test_an_unknown_filter_value_gets_a_clear_message_and_no_rows(as_user, people, outbox):
    response = as_user(people.director).get(OUTBOX, {"kind": "nonsense"})
    assert response.status_code == 200
    assert subjects(response) == set()
    assert 'role="alert"' in response.content.decode()


def test_the_outbox_lists_with_a_bounded_number_of_queries(
    as_user, people, outbox, django_assert_max_num_queries
):
    for n in range(20):
        message(f"bulk:{n}", recipient_user=people.counsellor)
    client = as_user(people.counsellor)
    # 14 with the red-alert banner of every staff page (one count) and the menu's counts (one).
    with django_assert_max_num_queries(14):
        response = client.get(OUTBOX)
    assert len(subjects(response)) == 22


def test_the_outbox_needs_a_login(client, outbox):
    response = client.get(OUTBOX)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_outbox_refuses_a_post(as_user, people, outbox):
    assert as_user(people.director).post(OUTBOX).status_code == 405


# ----------------------------------------------------------------------------- the detail page


def test_opening_a_message_shows_its_body_and_is_audited(as_user, people, outbox):
    response = as_user(people.counsellor).get(detail_url(outbox.my_appointment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "body of appointment" in body and "13912345678" in body
    assert "The SMS channel is not configured" in body
    entry = AuditEntry.objects.get(action="notification.read")
    assert entry.actor == people.counsellor
    assert entry.object_id == str(outbox.my_appointment.pk)


def test_a_message_out_of_reach_is_a_404_and_only_the_refusal_is_audited(as_user, people, outbox):
    response = as_user(people.counsellor).get(detail_url(outbox.satisfaction))
    assert response.status_code == 404
    assert "王五" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="notification.read").exists()
    assert AuditEntry.objects.filter(
        action="access.refused",
        object_type="notifications.notification",
        object_id=str(outbox.satisfaction.pk),
    ).exists()


def test_a_missing_message_is_a_404(as_user, people, outbox):
    assert as_user(people.director).get(reverse("notifications:detail", args=[999999])).status_code == 404


def test_the_detail_page_refuses_a_post(as_user, people, outbox):
    response = as_user(people.counsellor).post(detail_url(outbox.to_me))
    assert response.status_code == 405
    assert not AuditEntry.objects.filter(action="notification.read").exists()
