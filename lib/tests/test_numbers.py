"""lib.numbers: running numbers that sort right past their width and survive a race."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from lib.numbers import next_number, save_with_next_number

pytestmark = pytest.mark.django_db


def test_the_first_number_of_a_prefix_is_one():
    assert next_number(Group.objects.all(), field="name", prefix="C2026-", width=4) == "C2026-0001"


def test_the_next_number_follows_the_highest_even_past_its_width():
    for name in ("C2026-0009", "C2026-9999", "C2026-10000", "C2025-50000"):
        Group.objects.create(name=name)
    assert next_number(Group.objects.all(), field="name", prefix="C2026-", width=4) == "C2026-10001"


def test_a_number_taken_meanwhile_makes_the_save_take_the_next_one():
    Group.objects.create(name="N-0001")
    offered = iter(["N-0001", "N-0002"])  # the first pick lost a race to the row above
    group = Group()
    save_with_next_number(group, field="name", number=lambda: next(offered))
    assert Group.objects.get(pk=group.pk).name == "N-0002"


def test_after_the_last_attempt_the_conflict_is_raised():
    from django.db import IntegrityError

    Group.objects.create(name="N-0001")
    with pytest.raises(IntegrityError):
        save_with_next_number(Group(), field="name", number=lambda: "N-0001", attempts=2)
