"""Issue 18 #8: a refused form says each error once (not at the top and again on the field, nor
twice on one field)."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login_fully

pytestmark = pytest.mark.django_db

ALERT = re.compile(r'<(div|p|span|li)[^>]*role="alert"[^>]*>(.*?)</\1>', re.S)
TAG = re.compile(r"<[^>]+>")


def _texts(html: str) -> list[str]:
    texts = []
    for _tag, inner in ALERT.findall(html):
        for line in re.split(r"</(?:p|li|div)>", inner):
            text = TAG.sub("", line).strip()
            if text:
                texts.append(text)
    return texts


def _said_twice(html: str) -> list[str]:
    """Messages said twice about one thing: twice on one field, or on a field and again at the
    top of the page (the messages and the form's own errors). Two fields that are both required
    may each say so."""
    main = html.split("<main", 1)[-1]
    blocks = re.split(r'<div class="field', main)
    top, fields = blocks[0], blocks[1:]
    twice = []
    top_said = Counter(_texts(top))
    twice += [text for text, count in top_said.items() if count > 1]
    for block in fields:
        said = Counter(_texts(block))
        twice += [text for text, count in said.items() if count > 1]
        twice += [text for text in said if text in top_said and text != "此项必填。"]
    return twice


FORMS = [
    ("counsellor", "archives:register", {}),
    ("worker", "archives:register", {"name": "张", "id_number": "123"}),
    (
        "counsellor",
        "workflow:appointment_create",
        {"starts_at": "2020-01-01T10:00", "ends_at": "2020-01-01T09:00"},
    ),
    ("counsellor", "workflow:hotline_create", {}),
    ("counsellor", "workflow:hotline_create", {"anonymous": "on", "caller_name": "李四"}),
    ("director", "workflow:institution_create", {}),
    ("teacher", "crisis:concern_create", {}),
    ("director", "crisis:rule_create", {}),
    ("director", "orgs:roster_exception_add", {"kind": "leave"}),
    ("director", "orgs:roster_shift_add", {}),
]


@pytest.mark.parametrize("who, name, data", FORMS)
def test_a_refused_form_says_each_error_once(people, who, name, data):
    # A browser always sends something (the CSRF token); an empty POST would read as a first visit.
    response = login_fully(Client(), getattr(people, who)).post(reverse(name), {"sent": "1", **data})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert ALERT.search(html), "the form was refused without a word"
    assert _said_twice(html) == []


def test_the_portals_request_form_says_each_error_once(tree, people):
    from workflow.tests.appointment_support import clinic

    place = clinic(tree, people)
    url = reverse("portal:appointment_request") + f"?site={place.site.pk}"
    response = Client().post(url, {"sent": "1", "phone": "123"})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert ALERT.search(html) and _said_twice(html) == []
