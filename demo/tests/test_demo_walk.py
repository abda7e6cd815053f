"""With the demo data, every demo account opens every page of its navigation and the first few
pages linked from each — none answers with a server error. The demo is what a new centre sees
first; a page that breaks on real-looking data must fail here, not in front of them."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.seed import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/staff/[^"#?]*)"')
# Links that change state or leave the page's scope are not followed.
NOT_FOLLOWED = ("/logout", "/export", "/letter", "/qr")


DEMO_USERS = [
    "admin",
    "director",
    "lead",
    "counsellor",
    "counsellor2",
    "supervisor",
    "archivist",
    "finance",
    "worker",
    "volunteer",
    "teacher",
]


def test_every_demo_account_walks_its_pages_without_a_server_error(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", "--residents", "40")
    for username in DEMO_USERS:
        walk(username)


def walk(username: str) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    home = client.get(reverse("dashboard:home"))
    assert home.status_code == 200
    nav = re.findall(r'<nav class="mainnav".*?</nav>', home.content.decode(), re.S)[0]
    seen: set[str] = set()
    for url in LINK.findall(nav):
        page = client.get(url)
        assert page.status_code == 200, (username, url)
        seen.add(url)
        fresh = [
            link
            for link in dict.fromkeys(LINK.findall(page.content.decode()))
            if link not in seen and not any(part in link for part in NOT_FOLLOWED)
        ]
        for link in fresh[:15]:
            seen.add(link)
            answer = client.get(link)
            assert answer.status_code < 500, (username, url, link)
    assert len(seen) > 3, (username, seen)
