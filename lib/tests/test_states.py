"""lib.states: one table per stateful model says what each state allows; services enforce it and
pages offer it from the same table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.template import Context, Template
from django.utils import translation

from lib.states import StateTable


class Door:
    """A stand-in for a model: a status field with display labels, and its table."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SHUT = "shut", "Shut"
        LOCKED = "locked", "Locked"

    ACTIONS = StateTable(
        field="status",
        table={
            Status.OPEN: ("shut", "paint"),
            Status.SHUT: ("open", "lock", "paint"),
            Status.LOCKED: (),
        },
    )

    def __init__(self, status: str):
        self.status = status

    def get_status_display(self) -> str:
        return dict(self.Status.choices)[self.status]


def test_a_state_allows_exactly_the_actions_its_row_lists():
    door = Door("shut")
    assert Door.ACTIONS.actions(door) == ("open", "lock", "paint")
    assert Door.ACTIONS.allows(door, "lock")
    assert not Door.ACTIONS.allows(door, "shut")


def test_a_state_with_an_empty_row_allows_nothing():
    assert Door.ACTIONS.actions(Door("locked")) == ()
    assert not Door.ACTIONS.allows(Door("locked"), "open")


def test_a_state_missing_from_the_table_allows_nothing():
    assert Door.ACTIONS.actions(Door("gone")) == ()


def test_the_table_follows_the_object_when_its_state_changes():
    door = Door("open")
    assert Door.ACTIONS.allows(door, "shut")
    door.status = Door.Status.SHUT
    assert not Door.ACTIONS.allows(door, "shut")


def test_an_action_the_table_never_names_is_a_mistake_not_a_no():
    with pytest.raises(KeyError):
        Door.ACTIONS.allows(Door("open"), "shutt")


def test_require_lets_an_allowed_action_through():
    Door.ACTIONS.require(Door("open"), "shut")


def test_require_refuses_with_the_state_as_people_read_it():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        Door.ACTIONS.require(Door("locked"), "open")
    assert refused.value.messages == ["This cannot be done while the status is “Locked”."]
    assert refused.value.code == "state"


def test_the_refusal_is_translated():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        Door.ACTIONS.require(Door("locked"), "open")
    assert refused.value.messages == ["当前状态为「Locked」，不能进行此操作。"]


def test_a_service_may_give_a_more_telling_refusal():
    with pytest.raises(ValidationError) as refused:
        Door.ACTIONS.require(Door("open"), "open", "The door is already open.")
    assert refused.value.messages == ["The door is already open."]


def test_the_states_allowing_an_action_can_filter_a_query():
    assert Door.ACTIONS.states_allowing("paint") == ("open", "shut")


def test_the_table_reads_as_its_rows():
    assert (
        repr(Door.ACTIONS)
        == "<StateTable Door.status {open: shut, paint; shut: open, lock, paint; locked: —}>"
    )


def test_a_template_asks_the_same_table():
    template = Template('{% load xinqiao %}{% if door|allows:"lock" %}lock{% else %}no{% endif %}')
    assert template.render(Context({"door": Door("shut")})) == "lock"
    assert template.render(Context({"door": Door("open")})) == "no"


def test_every_stateful_model_lists_every_state_of_its_field():
    tables = [
        model.ACTIONS
        for model in apps.get_models()
        if isinstance(getattr(model, "ACTIONS", None), StateTable)
    ]
    assert tables, "no model declares ACTIONS"
    for table in tables:
        assert table.unlisted_states() == (), table


# -- No view or template tests a status itself ----------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
APPS_WITH_TABLES = ("workflow", "crisis", "screening", "archives", "assessments")
STATUS_TEST = re.compile(r"\.(status|state)\s*(==|!=|\bin\b|\bnot in\b)")
# Still testing a status, with the reason. Shrink this list; never grow it without a reason.
STATUS_TESTS_KEPT = {
    # An import job's progress block shows each stage of the job; no one acts on it from there.
    "screening/templates/screening/_import_status.html",
    # A feedback link's state (answered, expired, waiting) is worked out by its selector.
    "workflow/templates/workflow/satisfaction/_rows.html",
}


def _views_and_templates():
    for app in APPS_WITH_TABLES:
        base = ROOT / app
        yield from base.glob("templates/**/*.html")
        yield from base.glob("views.py")
        yield from base.glob("views/*.py")


def test_no_view_or_template_tests_a_status_itself():
    found = []
    for path in _views_and_templates():
        name = path.relative_to(ROOT).as_posix()
        if name in STATUS_TESTS_KEPT:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if STATUS_TEST.search(line):
                found.append(f"{name}:{number}: {line.strip()[:100]}")
    assert found == [], "ask the model's ACTIONS table (|allows) instead:\n" + "\n".join(found)
