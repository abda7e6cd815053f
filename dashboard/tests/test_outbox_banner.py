"""Issue 18 #7 (PRT-2): while nothing but the outbox is set up, no resident is told anything
unless staff phone them; the director's and the administrator's home page say so, in Chinese,
and (for those who relay) link to the list of calls to make."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login_fully

pytestmark = pytest.mark.django_db

HOME = reverse("dashboard:home")
BANNER = 'id="outbox-only-banner"'


def test_the_director_is_warned_that_only_the_outbox_is_set_up_and_sent_to_the_work_list(people, settings):
    settings.XINQIAO_NOTIFICATION_CHANNEL = "outbox"
    body = login_fully(Client(), people.director).get(HOME).content.decode()
    assert BANNER in body
    assert "系统不会自行通知" in body
    assert f'href="{reverse("notifications:relay_list")}"' in body


def test_the_administrator_is_warned_too_without_a_link_to_a_list_they_may_not_open(people, settings):
    settings.XINQIAO_NOTIFICATION_CHANNEL = "outbox"
    body = login_fully(Client(), people.admin).get(HOME).content.decode()
    assert BANNER in body
    assert f'href="{reverse("notifications:relay_list")}"' not in body.split(BANNER)[1].split("</div>")[0]


def test_no_warning_once_a_channel_reaches_residents(people, settings):
    settings.XINQIAO_NOTIFICATION_CHANNEL = "sms"
    assert BANNER not in login_fully(Client(), people.director).get(HOME).content.decode()


@pytest.mark.parametrize("role", ["counsellor", "volunteer", "finance"])
def test_other_roles_get_no_warning(people, settings, role):
    settings.XINQIAO_NOTIFICATION_CHANNEL = "outbox"
    assert BANNER not in login_fully(Client(), getattr(people, role)).get(HOME).content.decode()
