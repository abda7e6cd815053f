"""Issue 18 #8: a ``tel:`` link holds no space (many diallers stop at it), and the Chinese pages put
Chinese punctuation after a label ("紧急：110", not "紧急: 110")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login_fully
from core.services import centre_profile_update
from core.templatetags.xinqiao import tel_href

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, link",
    [
        ("0571 8800 1234", "tel:+8657188001234"),
        ("0571-88001234", "tel:+8657188001234"),
        ("+86 138 0013 8000", "tel:+8613800138000"),
        ("12356", "tel:12356"),
        ("", ""),
        ("无", ""),
    ],
)
def test_a_phone_number_as_typed_becomes_a_link_without_spaces(typed, link):
    assert tel_href(typed) == link


def test_the_portal_and_the_hotline_page_dial_the_number_without_spaces(people):
    centre_profile_update(actor=None, name="测试中心", hotline="0571 8800 1234", phone="0571 8800 5678")
    portal = Client().get(reverse("portal:home")).content.decode()
    assert 'href="tel:+8657188001234"' in portal and "tel:0571 " not in portal
    page = login_fully(Client(), people.counsellor).get(reverse("workflow:hotline_create")).content.decode()
    assert 'href="tel:+8657188005678"' in page
    assert "紧急：" in page and "紧急: " not in page
    assert "心理热线：" in page
