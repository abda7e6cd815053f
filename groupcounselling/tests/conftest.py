"""Fixtures of the group counselling tests: a group led by the counsellor, with members who
signed the clinical consents and the group agreement."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from archives.services import resident_register
from confidentiality.models import ConsentKind, ConsentText
from confidentiality.services import consent_record, consent_text_publish
from groupcounselling.services import member_add, member_enrol, member_screen, programme_create
from lib.identity import prc_id_check_character


# PHQ-9 answers (nine items, 0–3) whose total is the given score.
def phq9_answers(total: int) -> list[int]:
    answers = []
    for _item in range(9):
        answer = min(3, total)
        answers.append(answer)
        total -= answer
    return answers


def consent_clinical(people, resident) -> None:
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = ConsentText.objects.filter(kind=kind, is_current=True).first() or consent_text_publish(
            actor=people.admin, kind=kind, version="1", title=str(kind), body="…"
        )
        consent_record(
            actor=people.archivist,
            resident=resident,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name=resident.name,
            channel="paper",
        )


def register(people, tree, number: int, *, consent=True):
    body = f"11010119900307{number:03d}"
    resident = resident_register(
        actor=people.worker,
        name=f"组员{number}",
        org_unit=tree.grid,
        id_number=body + prc_id_check_character(body),
        phone=f"1390000{number:04d}",
    )
    if consent:
        consent_clinical(people, resident)
    return resident


def enrol(leader, programme, resident):
    member = member_add(actor=leader, programme=programme, resident=resident)
    member = member_screen(actor=leader, member=member, note="符合入组标准")
    return member_enrol(
        actor=leader,
        member=member,
        signed_on=timezone.localdate(),
        signer="self",
        signer_name=resident.name,
        channel="paper",
    )


@pytest.fixture
def group_agreement(people):
    return consent_text_publish(
        actor=people.admin,
        kind=ConsentKind.GROUP,
        version="1",
        title="团体辅导知情同意书",
        body="我同意参加团体辅导，并对团体内其他成员分享的内容保密。",
    )


@pytest.fixture
def programme(people, tree, group_agreement):
    """An 8-session closed group of the counsellor's, the first session 3 days ago (so sessions 1
    has been held and session 2 lies in the future)."""
    return programme_create(
        actor=people.counsellor,
        name="情绪调适成长小组",
        kind="closed",
        org_unit=tree.willow,
        leaders=[],
        first_session_at=timezone.now() - timedelta(days=3),
        session_count=8,
        interval_days=7,
        instruments=["phq9", "gad7"],
        primary_instrument="phq9",
    )


@pytest.fixture
def members(people, tree, programme):
    residents = [register(people, tree, n) for n in range(1, 4)]
    return SimpleNamespace(
        list=[enrol(people.counsellor, programme, r) for r in residents], residents=residents
    )


PRE = [14, 12, 16, 10, 18, 15, 11, 13, 17, 9]
POST = [9, 10, 12, 9, 11, 13, 8, 12, 10, 8]


def reference_group(people, tree, leader=None):
    """A finished 8-session group of ten members who attended every session, whose PHQ-9 pre/post
    pairs are the issue's reference vector (entered through the services)."""
    from groupcounselling.services import attendance_record, member_score_enter, programme_finish

    leader = leader or people.counsellor
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=60)
    programme = programme_create(
        actor=leader,
        name="考前减压团体",
        kind="closed",
        org_unit=tree.willow,
        leaders=[],
        first_session_at=start,
        session_count=8,
        interval_days=7,
        instruments=["phq9"],
        primary_instrument="phq9",
    )
    members = [enrol(leader, programme, register(people, tree, 100 + n)) for n in range(10)]
    for member, score in zip(members, PRE, strict=True):
        member_score_enter(
            actor=leader, member=member, instrument_code="phq9", answers=phq9_answers(score),
            administered_at=start - timedelta(days=2),
        )  # fmt: skip
    for session in programme.sessions.order_by("number"):
        attendance_record(actor=leader, session=session, marks={m.pk: "attended" for m in members})
    last = programme.sessions.order_by("-number").first()
    for member, score in zip(members, POST, strict=True):
        member_score_enter(
            actor=leader, member=member, instrument_code="phq9", answers=phq9_answers(score),
            administered_at=last.starts_at + timedelta(days=3),
        )  # fmt: skip
    programme_finish(actor=leader, programme=programme)
    programme.refresh_from_db()
    return programme


@pytest.fixture
def finished(people, tree, group_agreement):
    return reference_group(people, tree)
