"""The rules of activities and registrations (PRG-1): seats, waiting list, offers and their
expiry, check-in, headcounts, cancellation, rooms; each bad input refused in Chinese with nothing
written."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activities.jobs import expire_offers
from activities.models import PHONE_INDEX_PURPOSE, Activity, Headcount, Registration
from activities.services import (
    activity_cancel,
    activity_hold,
    activity_update,
    headcount_record,
    offer_expiry,
    registration_accept_offer,
    registration_cancel,
    registration_check_in,
    registration_check_in_at_door,
    registration_create,
    registration_move,
)
from activities.tests.support import PHONES, at, lecture, sign_up
from confidentiality.models import AuditEntry
from lib.encryption import blind_index
from lib.identity import normalise_phone
from notifications.models import Notification

S = Registration.Status


def messages_to(phone: str):
    """Messages about the registration made with this phone (the address itself is encrypted)."""
    ids = [
        str(pk)
        for pk in Registration.objects.filter(
            phone_index=blind_index(normalise_phone(phone), purpose=PHONE_INDEX_PURPOSE)
        ).values_list("pk", flat=True)
    ]
    return Notification.objects.filter(related_type="activities.registration", related_id__in=ids)


def test_seats_are_capacity_minus_counted_and_the_third_person_waits(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    second = sign_up(activity, "张二", PHONES[1])
    third = sign_up(activity, "张三", PHONES[2])
    assert (first.status, second.status, third.status) == (S.REGISTERED, S.REGISTERED, S.WAITLISTED)
    assert any("候补" in n.body for n in messages_to(PHONES[2]))


def test_a_cancelled_seat_is_offered_to_the_oldest_waiting_person_with_an_expiry(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    sign_up(activity, "张二", PHONES[1])
    third = sign_up(activity, "张三", PHONES[2])
    fourth = sign_up(activity, "张四", PHONES[3])
    registration_cancel(registration=first, token=first.token)
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == S.OFFERED and fourth.status == S.WAITLISTED
    assert third.offer_expires_at == third.offered_at + timedelta(hours=24)
    offer = messages_to(PHONES[2]).get(subject__contains="空位")
    assert third.token in offer.body


def test_an_offer_not_taken_expires_with_the_job_and_the_next_is_offered(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    sign_up(activity, "张二", PHONES[1])
    third = sign_up(activity, "张三", PHONES[2])
    fourth = sign_up(activity, "张四", PHONES[3])
    registration_cancel(registration=first, token=first.token)
    with time_machine.travel(timezone.now() + timedelta(hours=23), tick=False):
        expire_offers()
        third.refresh_from_db()
        assert third.status == S.OFFERED
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        assert expire_offers() == "1 activity seats offered"
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == S.EXPIRED and fourth.status == S.OFFERED
    assert messages_to(PHONES[3]).filter(subject__contains="空位").exists()
    with pytest.raises(ValidationError, match="没有待确认"):
        registration_accept_offer(registration=third, token=third.token)


def test_an_offer_taken_in_time_becomes_a_seat(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    sign_up(activity, "张二", PHONES[1])
    third = sign_up(activity, "张三", PHONES[2])
    registration_cancel(registration=first, token=first.token)
    third.refresh_from_db()
    assert registration_accept_offer(registration=third, token=third.token).status == S.REGISTERED
    with pytest.raises(PermissionDenied):
        registration_accept_offer(registration=third, token="wrong")


def test_the_offer_is_shorter_close_to_the_start(people, place):
    activity = lecture(people.lead, place, days=1)
    now = activity.starts_at - timedelta(hours=6)
    assert offer_expiry(activity, now) == now + timedelta(hours=3)
    assert offer_expiry(activity, activity.starts_at - timedelta(days=5)) == activity.starts_at - timedelta(
        days=4
    )


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("closed_window", "报名已于"),
        ("full_no_waitlist", "已满，且不设候补"),
        ("twice", "已用此手机号报名"),
        ("cancelled", "已取消"),
        ("bad_phone", "手机号"),
    ],
)
def test_bad_registrations_are_refused_in_chinese_and_write_nothing(people, place, setup, message):
    activity = lecture(people.lead, place, waitlist=setup != "full_no_waitlist")
    sign_up(activity, "张一", PHONES[0])
    if setup == "full_no_waitlist":
        sign_up(activity, "张二", PHONES[1])
    if setup == "closed_window":
        activity = activity_update(
            actor=people.lead,
            activity=activity,
            registration_opens_at=timezone.now() - timedelta(days=3),
            registration_closes_at=timezone.now() - timedelta(days=1),
        )
    if setup == "cancelled":
        activity_cancel(actor=people.lead, activity=activity, reason="讲师生病")
    before = (Registration.objects.count(), Notification.objects.count(), AuditEntry.objects.count())
    name, phone = (
        ("张一", PHONES[0]) if setup == "twice" else ("王五", "12345" if setup == "bad_phone" else PHONES[4])
    )
    with pytest.raises(ValidationError) as caught:
        sign_up(activity, name, phone)
    assert message in " ".join(caught.value.messages)
    assert (Registration.objects.count(), Notification.objects.count(), AuditEntry.objects.count()) == before


def test_cancelling_an_activity_needs_a_reason_and_tells_everyone_registered(people, place):
    activity = lecture(people.lead, place)
    for i, name in enumerate(["张一", "张二", "张三"]):
        sign_up(activity, name, PHONES[i])
    with pytest.raises(ValidationError, match="原因"):
        activity_cancel(actor=people.lead, activity=activity, reason=" ")
    activity_cancel(actor=people.lead, activity=activity, reason="讲师生病")
    told = Notification.objects.filter(subject__contains="活动取消")
    assert told.count() == 3 and all("讲师生病" in n.body for n in told)
    activity.refresh_from_db()
    assert not Activity.ACTIONS.allows(activity, "cancel")


def test_check_in_twice_is_one_attendance_and_late_after_a_quarter_hour(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    second = sign_up(activity, "张二", PHONES[1])
    registration_check_in(actor=people.lead, registration=first, now=activity.starts_at)
    again = registration_check_in(
        actor=people.lead, registration=first, now=activity.starts_at + timedelta(hours=1)
    )
    assert again.status == S.ATTENDED and again.checked_in_at == activity.starts_at
    late = registration_check_in(
        actor=people.lead, registration=second, now=activity.starts_at + timedelta(minutes=20)
    )
    assert late.status == S.LATE
    assert AuditEntry.objects.filter(action="activity_registration.checked_in").count() == 2


def test_the_door_qr_checks_in_by_phone_once_and_only_while_the_door_is_open(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    with pytest.raises(ValidationError, match="开始前一小时"):
        registration_check_in_at_door(checkin_token=activity.checkin_token, phone=PHONES[0])
    now = activity.starts_at - timedelta(minutes=10)
    registration_check_in_at_door(checkin_token=activity.checkin_token, phone=PHONES[0], now=now)
    registration_check_in_at_door(
        checkin_token=activity.checkin_token, phone=PHONES[0], now=now + timedelta(minutes=5)
    )
    first.refresh_from_db()
    assert first.status == S.ATTENDED and first.checked_in_at == now
    assert AuditEntry.objects.filter(action="activity_registration.checked_in").count() == 1
    with pytest.raises(ValidationError, match="没有"):
        registration_check_in_at_door(checkin_token=activity.checkin_token, phone=PHONES[3], now=now)


def test_a_waiting_person_cannot_be_checked_in_but_a_walk_in_is_at_once(people, place):
    activity = lecture(people.lead, place, capacity=3)
    sign_up(activity, "张一", PHONES[0])
    sign_up(activity, "张二", PHONES[1])
    walk_in = registration_create(
        actor=people.lead, activity=activity, name="路人甲", channel="walk_in", now=activity.starts_at
    )
    assert walk_in.status == S.ATTENDED
    waiting = sign_up(activity, "张三", PHONES[2])
    assert waiting.status == S.WAITLISTED
    with pytest.raises(ValidationError, match="没有名额"):
        registration_check_in(actor=people.lead, registration=waiting, now=activity.starts_at)
    with pytest.raises(ValidationError, match="已满"):
        registration_create(actor=people.lead, activity=activity, name="路人乙", channel="walk_in")


def test_the_organiser_moves_people_with_a_reason_and_it_is_audited(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    sign_up(activity, "张二", PHONES[1])
    third = sign_up(activity, "张三", PHONES[2])
    with pytest.raises(ValidationError, match="空位"):
        registration_move(actor=people.lead, registration=third, to="seat", reason="行动不便优先")
    with pytest.raises(ValidationError, match="原因"):
        registration_move(actor=people.lead, registration=first, to="waitlist", reason="")
    registration_move(actor=people.lead, registration=first, to="waitlist", reason="本人同意让出")
    registration_move(actor=people.lead, registration=third, to="seat", reason="行动不便优先")
    third.refresh_from_db()
    assert third.status == S.REGISTERED
    entry = AuditEntry.objects.filter(action="activity_registration.moved").order_by("seq").last()
    assert entry.reason == "行动不便优先"


def test_someone_outside_the_activity_scope_can_do_nothing_to_it(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    for call in (
        lambda: activity_cancel(actor=people.outsider, activity=activity, reason="x"),
        lambda: registration_check_in(actor=people.outsider, registration=first),
        lambda: registration_cancel(actor=people.worker, registration=first),
        lambda: headcount_record(
            actor=people.outsider, activity=activity, audience_group="residents", count=3, method="counted"
        ),
    ):
        with pytest.raises(PermissionDenied):
            call()
    first.refresh_from_db()
    assert first.status == S.REGISTERED


def test_a_headcount_is_kept_apart_from_the_named_attendance(people, place):
    activity = lecture(
        people.lead,
        place,
        kind=Activity.Kind.BROADCAST,
        registration_mode="none",
        capacity=None,
        room=None,
        audience_groups=["students", "teachers"],
    )
    with pytest.raises(ValidationError, match="无需报名"):
        sign_up(activity, "张一", PHONES[0])
    headcount_record(
        actor=people.lead, activity=activity, audience_group="students", count=320, method="estimated"
    )
    headcount_record(
        actor=people.lead, activity=activity, audience_group="students", count=300, method="counted"
    )
    with pytest.raises(ValidationError, match="受众"):
        headcount_record(
            actor=people.lead, activity=activity, audience_group="elderly", count=3, method="counted"
        )
    assert list(Headcount.objects.values_list("count", "method")) == [(300, "counted")]
    assert activity.registrations.count() == 0


def test_the_room_is_not_double_booked_by_two_activities(people, place):
    lecture(people.lead, place)
    with pytest.raises(ValidationError) as caught:
        lecture(people.lead, place, title="另一场", starts_at=at(3, 15), ends_at=at(3, 16))
    assert "睡眠与情绪讲座" in str(caught.value)
    assert Activity.objects.count() == 1


def test_marking_held_records_no_shows_and_cannot_come_before_the_start(people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    with pytest.raises(ValidationError, match="开始"):
        activity_hold(actor=people.lead, activity=activity)
    activity_hold(actor=people.lead, activity=activity, now=activity.ends_at)
    first.refresh_from_db()
    assert first.status == S.NO_SHOW
