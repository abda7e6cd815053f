"""Issue 18 #8: a person's name is 姓名, not 名称 (which names things: a unit, a room, a campaign)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login_fully

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["archives:register", "archives:list"])
def test_a_persons_name_is_called_xingming(people, name):
    html = login_fully(Client(), people.worker).get(reverse(name)).content.decode()
    assert "姓名" in html and "名称" not in html


def test_the_person_booked_for_is_named_by_xingming_on_the_booking_form(people):
    html = (
        login_fully(Client(), people.counsellor).get(reverse("workflow:appointment_create")).content.decode()
    )
    assert 'for="id_contact_name">姓名' in html and "名称" not in html
