"""The archive's timeline carries the service workflow: cases opened, transferred and closed,
sessions, plans, referrals, follow-ups and hotline entries, linked to their pages, for the clinical
team only, in a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from archives.selectors import archive_timeline
from workflow.models import HotlineEntry, Institution, Referral
from workflow.services.cases import case_close, case_open, case_transfer, service_plan_create
from workflow.services.sessions import session_record_create

from .case_support import client_for

pytest_plugins = ["workflow.tests.case_fixtures"]
pytestmark = pytest.mark.django_db


def add_everything(people, case, n: int = 1) -> None:
    today = timezone.localdate()
    institution, _ = Institution.objects.get_or_create(
        name="市精神卫生中心", defaults={"kind": "psychiatric"}
    )
    for i in range(n):
        session_record_create(
            actor=people.counsellor,
            case=case,
            held_at=timezone.now() - timedelta(hours=i + 1),
            duration_minutes=45,
            modality="phone",
            content="内容不上时间线",
        )
        service_plan_create(
            actor=people.counsellor,
            case=case,
            goals="目标",
            content="方法",
            modality="face_to_face",
            frequency="每周",
            period_start=today,
            period_end=today + timedelta(days=30),
            revision_reason="修订" if case.plans.exists() else "",
        )
        Referral.objects.create(
            case=case,
            institution=institution,
            reason="需要药物评估",
            urgency="routine",
            referred_at=timezone.now(),
            referred_by=people.counsellor,
        )
        HotlineEntry.objects.create(
            channel="phone",
            started_at=timezone.now() - timedelta(days=1),
            duration_minutes=20,
            topic="emotion",
            action="support",
            risk_suicidal_thoughts=True,
            resident=case.resident,
            recorded_by=people.counsellor,
        )


def url_or_none(name, pk):
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def test_the_timeline_tells_the_story_of_the_case(people, case, clients, settings):
    settings.XINQIAO_FOLLOW_UP_MONTHS = [1]
    add_everything(people, case)
    case_transfer(actor=people.counsellor, case=case, to_counsellor=people.colleague, reason="工作调整")
    case_close(actor=people.colleague, case=case, outcome="resolved", summary="结案")
    entries = archive_timeline(user=people.director, archive=clients.zhang.archive, clinical=True)
    kinds = {entry.kind for entry in entries}
    assert {"case", "session", "plan", "referral", "follow_up", "hotline"} <= kinds
    titles = " | ".join(str(entry.title) for entry in entries)
    assert f"{case.number}" in titles
    assert sum(1 for entry in entries if entry.kind == "case") == 3  # opened, transferred, closed
    assert all("内容不上时间线" not in entry.detail for entry in entries)
    urls = {entry.url for entry in entries}
    assert reverse("workflow:case_detail", args=[case.pk]) in urls
    assert reverse("workflow:session_detail", args=[case.sessions.get().pk]) in urls
    for name, obj in (
        ("workflow:referral_detail", Referral.objects.get()),
        ("workflow:hotline_detail", HotlineEntry.objects.get()),
    ):
        target = url_or_none(name, obj.pk)
        assert target is None or target in urls


def test_after_a_transfer_the_opened_entry_keeps_who_opened_the_case_and_the_transfer_is_its_own(
    people, case, clients
):
    case_transfer(actor=people.counsellor, case=case, to_counsellor=people.colleague, reason="工作调整")
    entries = archive_timeline(user=people.director, archive=clients.zhang.archive, clinical=True)
    opened = [e for e in entries if e.kind == "case" and e.at == case.opened_at]
    assert len(opened) == 1
    assert people.counsellor.full_name in opened[0].detail
    assert people.colleague.full_name not in opened[0].detail
    transferred = [e for e in entries if e.kind == "case" and e.at != case.opened_at]
    assert len(transferred) == 1
    assert f"{people.counsellor.full_name} → {people.colleague.full_name}" in transferred[0].detail


def test_the_archive_page_shows_the_entries_to_the_team_only(people, case, clients):
    add_everything(people, case)
    archive = reverse("archives:detail", args=[clients.zhang.pk])
    team = client_for(people.counsellor).get(archive).content.decode()
    assert reverse("workflow:case_detail", args=[case.pk]) in team
    assert reverse("workflow:session_detail", args=[case.sessions.get().pk]) in team
    # The grid worker sees the resident's basic information, and nothing of the case.
    worker = client_for(people.worker).get(archive)
    assert worker.status_code == 200
    body = worker.content.decode()
    assert case.number not in body and "市精神卫生中心" not in body


def test_the_timeline_query_count_does_not_grow_with_the_entries(people, clients):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            archive_timeline(user=people.counsellor, archive=clients.zhang.archive, clinical=True)
        return len(captured)

    case = case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem="问题",
        # Opened days ago: its sessions are held hours ago, also when the test runs just after midnight.
        opened_at=timezone.now() - timedelta(days=3),
    )
    add_everything(people, case, n=1)
    few = count_queries()
    add_everything(people, case, n=4)
    case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem="又来",
    )
    assert count_queries() == few
