"""Demo data of group counselling (PRG-2): a finished group whose PHQ-9 pre/post pairs are the
issue's reference vector (so the outcome report shows d_z 1.399, g_z 1.279, t(9) 4.423…), and a
running group half way through. Everything goes through the domain services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from archives.models import Resident
from assessments.models import Assessment
from confidentiality import policy
from confidentiality.models import ConsentKind
from confidentiality.services import clinical_consent_missing, consent_text_publish
from groupcounselling.services import (
    attendance_record,
    member_add,
    member_enrol,
    member_score_enter,
    member_screen,
    programme_create,
    programme_finish,
    session_update,
)

REFERENCE_PRE = [14, 12, 16, 10, 18, 15, 11, 13, 17, 9]
REFERENCE_POST = [9, 10, 12, 9, 11, 13, 8, 12, 10, 8]
TOPICS = [
    "相识与团体契约",
    "认识情绪",
    "情绪与想法",
    "改变想法",
    "放松训练",
    "人际支持",
    "问题解决",
    "回顾与告别",
]
AGREEMENT = (
    "本人自愿参加本中心组织的团体心理辅导，了解团体的目标、次数和方式，可随时提出疑问或退出。"
    "团体保密条款：本人承诺对团体内其他成员的身份和分享的内容保密，不在团体外谈论、录音、录像或拍照；"
    "带领者对团体内容保密，但保密例外（生命安全面临危险、法律要求）同样适用于团体。"
)


def phq9_answers(total: int) -> list[int]:
    """Nine answers (0–3) summing to ``total``, filled from the first item, so that item 9 (self-
    harm) stays 0 for every total up to 24 and no demo score raises a crisis flag."""
    answers = []
    for _item in range(9):
        answer = min(3, total)
        answers.append(answer)
        total -= answer
    return answers


def _candidates(leader, count: int, *, away_from, exclude=()) -> list[Resident]:
    """Residents the leader sees, with the clinical consents, without PHQ-9 results near the
    group's windows (so the demo pairs are exactly the ones entered here)."""
    start, end = away_from
    busy = Assessment.objects.filter(instrument_code="phq9", administered_at__range=(start, end)).values(
        "resident_id"
    )
    residents = (
        policy.filter_residents(leader, Resident.objects.filter(is_anonymised=False))
        .exclude(pk__in=busy)
        .exclude(pk__in=[r.pk for r in exclude])
        .order_by("pk")
    )
    chosen = []
    for resident in residents:
        if not clinical_consent_missing(resident=resident):
            chosen.append(resident)
        if len(chosen) == count:
            break
    return chosen


def _enrol(leader, programme, resident):
    member = member_add(actor=leader, programme=programme, resident=resident)
    member = member_screen(actor=leader, member=member, note="初筛访谈：符合入组标准，无急性危机。")
    return member_enrol(
        actor=leader,
        member=member,
        signed_on=timezone.localdate() - timedelta(days=1),
        signer="self",
        signer_name=resident.name,
        channel="paper",
    )


def seed_group_counselling() -> dict[str, int]:
    admin = User.objects.get(username="admin")
    leader = User.objects.get(username="counsellor")
    consent_text_publish(
        actor=admin, kind=ConsentKind.GROUP, version="2026.1", title="团体心理辅导知情同意书", body=AGREEMENT
    )
    unit = leader.org_unit
    now = timezone.now().replace(second=0, microsecond=0)

    # The finished group: eight weekly sessions ending three weeks ago, everyone at every session.
    first = now - timedelta(days=70)
    finished = programme_create(
        actor=leader,
        name="情绪调适成长小组（第一期）",
        kind="closed",
        org_unit=unit,
        leaders=[],
        location="柳岸社区心理服务站 团体活动室",
        inclusion_criteria="18 岁以上社区居民；PHQ-9 总分 5–19；无急性自杀风险；能参加全部 8 次活动。",
        first_session_at=first,
        session_count=8,
        interval_days=7,
        instruments=["phq9"],
        primary_instrument="phq9",
    )
    last = first + timedelta(days=49)
    residents = _candidates(leader, 10, away_from=(first - timedelta(days=15), last + timedelta(days=15)))
    members = [_enrol(leader, finished, resident) for resident in residents]
    for member, score in zip(members, REFERENCE_PRE, strict=False):
        member_score_enter(
            actor=leader,
            member=member,
            instrument_code="phq9",
            answers=phq9_answers(score),
            administered_at=first - timedelta(days=3),
        )
    for session, topic in zip(finished.sessions.order_by("number"), TOPICS, strict=True):
        session_update(actor=leader, session=session, topic=topic, plan="热身、主题活动、分享与总结。")
        if members:  # a small demo (seed_demo --residents 12) may have nobody to spare
            attendance_record(actor=leader, session=session, marks={m.pk: "attended" for m in members})
    for member, score in zip(members, REFERENCE_POST, strict=False):
        member_score_enter(
            actor=leader,
            member=member,
            instrument_code="phq9",
            answers=phq9_answers(score),
            administered_at=last + timedelta(days=2),
        )
    if members:
        programme_finish(actor=leader, programme=finished)

    # The running group: started two weeks ago, two sessions held, pre scores in.
    start = now - timedelta(days=14)
    running = programme_create(
        actor=leader,
        name="亲子沟通家长成长小组",
        kind="open",
        org_unit=unit,
        leaders=[],
        location="柳岸社区心理服务站 团体活动室",
        inclusion_criteria="有 6–15 岁子女的家长；自述亲子沟通困难。",
        first_session_at=start,
        session_count=6,
        interval_days=7,
        instruments=["phq9", "gad7"],
        primary_instrument="gad7",
    )
    more = _candidates(
        leader, 6, away_from=(start - timedelta(days=15), start + timedelta(days=1)), exclude=residents
    )
    joined = [_enrol(leader, running, resident) for resident in more]
    for member, score in zip(joined, (8, 11, 6, 13, 9, 7), strict=False):
        member_score_enter(
            actor=leader,
            member=member,
            instrument_code="phq9",
            answers=phq9_answers(score),
            administered_at=start - timedelta(days=2),
        )
    for session in running.sessions.filter(starts_at__lte=now).order_by("number"):
        if not joined:
            break
        marks = {m.pk: "attended" for m in joined}
        marks[joined[-1].pk] = "excused"
        attendance_record(actor=leader, session=session, marks=marks)
    return {"groups": 2, "group_members": len(members) + len(joined)}
