"""CONF-6: every audit action name is registered with a label; an unregistered one is refused; list
reads are written the one way (issue 11, item 7)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import translation

from confidentiality import audit
from confidentiality.models import AuditEntry
from confidentiality.services import audit_list_read, audit_record
from conftest import login_fully

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "bench", "var", ".git"}


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _action_names(function: ast.AST, value: ast.AST, where: str) -> set[str]:
    """The names an ``action=`` argument can take: literals, conditionals of literals, or a local
    variable assigned from literals in the same function. Anything else cannot be checked here."""
    if isinstance(value, ast.Constant | ast.IfExp):
        return _strings(value)
    if isinstance(value, ast.Name):
        names: set[str] = set()
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and any(
                value.id in {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
                for target in node.targets
            ):
                names |= _strings(node.value)
        assert names, f"{where}: cannot tell which action {value.id!r} holds"
        return names
    raise AssertionError(f"{where}: write the audit action out ({ast.unparse(value)!r} cannot be checked)")


def actions_used_in_code() -> dict[str, str]:
    used: dict[str, str] = {}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        for function in functions or [tree]:
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "audit_record"):
                    continue
                for keyword in call.keywords:
                    if keyword.arg == "action":
                        where = f"{relative}:{call.lineno}"
                        for name in _action_names(function, keyword.value, where):
                            used.setdefault(name, where)
    return used


def test_every_action_written_in_code_is_registered():
    used = actions_used_in_code()
    assert len(used) > 100  # the scan found the services
    assert {name: where for name, where in used.items() if not audit.is_registered(name)} == {}


def test_every_registered_action_is_written_somewhere():
    # A registered name nobody writes is a stale label; list.viewed is written by audit_list_read.
    assert set(audit.registered_actions()) - set(actions_used_in_code()) == set()


def test_every_registered_action_has_a_chinese_label():
    with translation.override("zh-hans"):
        labels = {name: str(label) for name, label in audit.registered_actions().items()}
    with translation.override("en"):
        english = {name: str(label) for name, label in audit.registered_actions().items()}
    untranslated = [name for name in labels if labels[name] == english[name] or not labels[name]]
    assert untranslated == []


def test_an_unregistered_action_is_refused_and_nothing_is_written(db):
    with pytest.raises(ImproperlyConfigured):
        audit_record(actor=None, action="archive.veiwed")
    assert not AuditEntry.objects.exists()


def test_a_name_belongs_to_one_app():
    with pytest.raises(ImproperlyConfigured):
        audit.register_actions("screening", {"archive.viewed": "Archive viewed"})
    with pytest.raises(ImproperlyConfigured):
        audit.register_actions("screening", {"viewed": "Viewed"})


def test_an_old_entry_with_a_name_no_longer_registered_shows_its_name():
    assert audit.action_label("alert.listed") == "alert.listed"


def test_a_list_read_names_the_rows_page_and_filters_and_an_empty_page_writes_nothing(people):
    audit_list_read(actor=people.director, object_type="crisis.alert", page="queue", ids=[])
    assert not AuditEntry.objects.filter(action="list.viewed").exists()
    audit_list_read(
        actor=people.director,
        object_type="crisis.alert",
        page="queue",
        ids=[3, 1],
        filters={"level": "red", "state": ""},
    )
    entry = AuditEntry.objects.get(action="list.viewed")
    assert entry.object_type == "crisis.alert"
    assert entry.details == {"level": "red", "page": "queue", "ids": ["3", "1"]}


def test_the_audit_log_shows_the_label_in_the_readers_language(people):
    audit_record(actor=people.director, action="archive.printed")
    client = login_fully(Client(), people.admin)
    page = client.get(reverse("confidentiality:audit_log"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "打印档案" in page and "archive.printed" in page


def test_the_audit_log_names_the_object_type_in_words_and_keeps_the_stored_name_to_search_by(people):
    audit_record(actor=people.director, action="archive.printed", object_type="crisis.alert", object_id=5)
    client = login_fully(Client(), people.admin)
    page = client.get(reverse("confidentiality:audit_log"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "危机预警" in page and "crisis.alert" in page


def test_every_model_of_the_audited_apps_has_a_chinese_name(people):
    import re

    from django.apps import apps
    from django.utils import translation

    with translation.override("zh-hans"):
        unnamed = [
            model._meta.label_lower
            for app in ("confidentiality", "archives", "assessments", "crisis")
            for model in apps.get_app_config(app).get_models()
            if not re.search(r"[\u4e00-\u9fff]", str(model._meta.verbose_name))
        ]
    assert unnamed == []
