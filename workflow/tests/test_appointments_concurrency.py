"""SVC-1: the same counsellor or room can never be double-booked, even by two people at once.

The first test is a real race: two threads, each with its own database connection, wait at a
barrier and then book the same counsellor and room for the same hour. On PostgreSQL both run at
the same time: both may pass the friendly pre-check, and the unique constraint on SlotClaim then
refuses the second insert. On SQLite one writer goes at a time; the in-memory test database
answers the second writer "database table is locked" at once, and the service runs again once
the first is committed, when the pre-check names the conflict. Either way: one success, one clear
message, one appointment.

The second test takes the pre-check away, to prove that the database alone refuses a second claim
(the case where both callers passed the pre-check).
"""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from workflow.models import Appointment, SlotClaim
from workflow.services import appointments as services

from .appointment_support import at, book, clinic, next_weekday


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_once_get_one_success_and_one_clear_message(tree, people):
    place = clinic(tree, people)
    starts_at = at(next_weekday(0), 13, 30)
    barrier = threading.Barrier(2, timeout=30)
    results: dict[str, object] = {}

    def attempt(name, actor):
        try:
            barrier.wait()
            results[name] = book(
                actor,
                place.site,
                starts_at,
                counsellor=people.counsellor,
                room=place.room1,
                contact_name=name,
            )
        except ValidationError as exc:
            results[name] = exc
        except Exception as exc:  # anything else is a failure the assertions below show
            results[name] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=("甲", people.counsellor)),
        threading.Thread(target=attempt, args=("乙", people.colleague)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    booked = [value for value in results.values() if isinstance(value, Appointment)]
    refused = [value for value in results.values() if isinstance(value, ValidationError)]
    assert len(booked) == 1 and len(refused) == 1, results
    message = " ".join(refused[0].messages)
    assert str(people.counsellor) in message or place.room1.name in message
    assert Appointment.objects.count() == 1
    assert SlotClaim.objects.count() == 2 * 4  # counsellor and room, four 15-minute slots each


@pytest.mark.django_db
def test_the_database_refuses_a_second_claim_when_both_callers_passed_the_pre_check(tree, people):
    place = clinic(tree, people)
    starts_at = at(next_weekday(1), 14, 0)
    book(people.counsellor, place.site, starts_at, counsellor=people.counsellor, room=place.room1)
    real_look_up = services._first_clash
    calls = []

    def pre_check_sees_nothing(*args):
        # As if the second caller had looked before the first one's claims were committed.
        calls.append(args)
        return None if len(calls) == 1 else real_look_up(*args)

    with (
        mock.patch.object(services, "_first_clash", side_effect=pre_check_sees_nothing),
        pytest.raises(ValidationError) as refused,
    ):
        book(
            people.colleague,
            place.site,
            starts_at + timedelta(minutes=30),
            counsellor=people.counsellor,
            room=place.room2,
        )
    assert len(calls) == 2  # the pre-check, then the look-up after the refused insert
    assert str(people.counsellor) in refused.value.message_dict["counsellor"][0]
    assert Appointment.objects.count() == 1
    assert SlotClaim.objects.filter(resource=f"room:{place.room2.pk}").count() == 0
