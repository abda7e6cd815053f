"""Reasons that say why a client is contacted, moved or taken up again are encrypted at rest; the
migration that made them so seals the rows written before it (and opens them again backwards)."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from workflow.models import FollowUpTask

from .followup_hotline_support import client_of, make_task

pytestmark = pytest.mark.django_db

MIGRATION = import_module("workflow.migrations.0003_encrypt_clinical_reasons_and_case_reopenings")
REASON = "筛查阳性：PHQ-9 重度抑郁，电话回访"


def raw_reason(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM workflow_followuptask WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_follow_ups_reason_is_stored_sealed_and_read_back_plain(people, tree):
    task = make_task(client_of(people, tree.grid, "张三"), due_on=timezone.localdate(), reason=REASON)
    assert REASON not in raw_reason(task.pk)
    assert FollowUpTask.objects.get(pk=task.pk).reason == REASON


def test_the_migration_seals_plain_reasons_written_before_it_and_opens_them_backwards(people, tree):
    task = make_task(client_of(people, tree.grid, "张三"), due_on=timezone.localdate(), reason=REASON)
    editor = SimpleNamespace(connection=connection)
    MIGRATION.decrypt_reasons(None, editor)  # as the rows were before the migration
    assert raw_reason(task.pk) == REASON
    MIGRATION.encrypt_reasons(None, editor)
    assert REASON not in raw_reason(task.pk)
    assert FollowUpTask.objects.get(pk=task.pk).reason == REASON
