"""Demo data of activities and the parent school (PRG-1, PRG-7): a published lecture with a full
roster and two waiting, a held broadcast with headcounts, and a parent-school series at the
school in which one family is past its yearly target (its certificate can be printed).
Everything goes through the domain services."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from activities.models import Activity
from activities.services import (
    activity_create,
    activity_feedback_issue,
    activity_hold,
    activity_publish,
    family_create,
    headcount_record,
    registration_check_in,
    registration_create,
)
from archives.models import Resident
from orgs.models import OrgUnit, Room, ServiceSite
from workflow.models import SatisfactionSurvey
from workflow.services.satisfaction import satisfaction_submit

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹"


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _phone(n: int) -> str:
    return f"1390571{n:04d}"


def seed_activities() -> dict[str, int]:
    lead = User.objects.get(username="lead")
    today = timezone.localdate()
    station = ServiceSite.objects.get(name="柳岸社区心理服务站")
    hall = Room.objects.get(site=station, name="团体活动室")
    school_site = ServiceSite.objects.get(name="心灵驿站（心桥实验中学）")
    school = OrgUnit.objects.get(name="心桥实验中学")

    # A published lecture, full (30 of 30) with two on the waiting list.
    lecture = activity_create(
        actor=lead,
        title="睡眠与情绪管理讲座",
        kind=Activity.Kind.LECTURE,
        description="了解睡眠与情绪的关系，学习放松和调整作息的方法。",
        site=station,
        room=hall,
        starts_at=_at(today + timedelta(days=5), 9, 30),
        ends_at=_at(today + timedelta(days=5), 11),
        speaker_external="市精神卫生中心 王医生",
        capacity=30,
        audience_groups=["residents", "elderly"],
    )
    lecture = activity_publish(actor=lead, activity=lecture)
    for n in range(32):
        registration_create(
            actor=lead if n % 3 == 0 else None,
            activity=lecture,
            name=f"{SURNAMES[n % len(SURNAMES)]}{'秀兰建国桂英志强丽华'[n % 5 * 2 : n % 5 * 2 + 2]}",
            phone=_phone(n),
            audience_group="elderly" if n % 4 == 0 else "residents",
            channel="phone" if n % 3 == 0 else "portal",
        )

    # A broadcast held ten days ago: no names, a headcount per audience group.
    day = today - timedelta(days=10)
    broadcast = activity_create(
        actor=lead,
        title="心理健康月校园广播：认识压力",
        kind=Activity.Kind.BROADCAST,
        site=school_site,
        starts_at=_at(day, 12, 10),
        ends_at=_at(day, 12, 30),
        registration_mode=Activity.Mode.NONE,
        audience_groups=["students", "teachers"],
    )
    broadcast = activity_publish(actor=lead, activity=broadcast)
    headcount_record(actor=lead, activity=broadcast, audience_group="students", count=860, method="estimated")
    headcount_record(actor=lead, activity=broadcast, audience_group="teachers", count=42, method="counted")
    activity_hold(actor=lead, activity=broadcast, now=broadcast.ends_at)

    # The parent school: three families; four sessions this year, and one to come.
    students = list(Resident.objects.filter(org_unit__path__startswith=school.path).order_by("pk")[:4])
    families = [
        ("王晓红", _phone(9001), students[:1]),
        ("李建华", _phone(9002), students[1:2]),
        ("陈丽", _phone(9003), students[2:4]),
    ]
    for guardian, phone, children in families:
        family_create(
            actor=lead, school=school, guardian_name=guardian, guardian_phone=phone, students=children
        )
    # Four sessions this calendar year (closer together early in January).
    gap = max(1, min(21, (today.timetuple().tm_yday - 2) // 4))
    topics = [
        "如何与青春期孩子沟通",
        "帮孩子应对考试焦虑",
        "手机与网络使用的家庭约定",
        "发现孩子情绪问题的信号",
    ]
    # Who comes to each session: 王 to all four (past the target), 李 to two, 陈 to three of four.
    comes = [("王晓红", "李建华", "陈丽"), ("王晓红", "陈丽"), ("王晓红", "李建华", "陈丽"), ("王晓红",)]
    for index, (topic, present) in enumerate(zip(topics, comes, strict=True)):
        day = today - timedelta(days=gap * (4 - index))
        session = activity_publish(
            actor=lead,
            activity=activity_create(
                actor=lead,
                title=f"家长学校：{topic}",
                kind=Activity.Kind.PARENT_SCHOOL,
                site=school_site,
                starts_at=_at(day, 18, 30),
                ends_at=_at(day, 20, 30),
                capacity=60,
                audience_groups=["parents"],
            ),
        )
        for guardian, phone, _children in families:
            registration = registration_create(
                activity=session,
                name=guardian,
                phone=phone,
                channel="portal",
                now=session.starts_at - timedelta(days=2),
            )
            if guardian in present:
                registration_check_in(actor=lead, registration=registration, now=session.starts_at)
        session = activity_hold(actor=lead, activity=session, now=session.ends_at)
        activity_feedback_issue(actor=lead, activity=session)
        for survey in SatisfactionSurvey.objects.filter(
            related_type="activities.registration", subject_label=session.title, answered_at__isnull=True
        ):
            satisfaction_submit(token=survey.token, rating=5 if index % 2 == 0 else 4)
    upcoming = activity_create(
        actor=lead,
        title="家长学校：亲子沟通工作坊",
        kind=Activity.Kind.PARENT_SCHOOL,
        site=school_site,
        starts_at=_at(today + timedelta(days=12), 18, 30),
        ends_at=_at(today + timedelta(days=12), 20, 30),
        capacity=40,
        audience_groups=["parents"],
    )
    activity_publish(actor=lead, activity=upcoming)
    return {"activities": Activity.objects.count()}
