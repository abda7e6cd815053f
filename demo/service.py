"""Demo data of the service workflow (SVC, ORG-3): the duty roster, a week of appointments, open
and closed cases with intake, plans and sessions, follow-ups (some overdue), hotline entries, a
referral waiting for its receipt and satisfaction answers.

Everything goes through the domain services. Services stamp "now" on what they record, so a few
past moments (when a case closed, when a referral left) are moved back afterwards; those lines say
so, and they only ever run in demo mode.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from archives.models import Archive
from confidentiality.services import clinical_consent_missing
from demo.activities import seed_activities
from demo.monthlyreports import seed_monthly_reports
from demo.volunteers import seed_volunteers
from orgs.models import OrgUnit, Room
from orgs.services import (
    duty_exception_add,
    duty_shift_add,
    opening_hours_add,
    room_create,
    service_site_create,
)
from workflow.models import Appointment, Case, FollowUpTask, HotlineEntry, Modality, Referral, ServicePlan
from workflow.selectors.appointments import portal_free_slots
from workflow.services.appointments import (
    appointment_check_in,
    appointment_complete,
    appointment_confirm,
    appointment_mark_no_show,
    appointment_register,
    appointment_request_from_portal,
)
from workflow.services.cases import case_close, case_open, intake_record, service_plan_create
from workflow.services.followups import add_months, follow_up_complete
from workflow.services.hotline import hotline_entry_record
from workflow.services.referrals import institution_create, referral_create
from workflow.services.satisfaction import satisfaction_paper_entry, satisfaction_submit
from workflow.services.sessions import session_record_create

from .articles import seed_articles
from .groupcounselling import seed_group_counselling

# The seeds' pattern: Monday to Thursday, 13:30–15:30.
DUTY_WEEKDAYS = range(4)
DUTY_STARTS, DUTY_ENDS = time(13, 30), time(15, 30)


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def _caseload(username: str, count: int) -> list:
    """Residents on a counsellor's caseload who have consented to clinical work."""
    archives = (
        Archive.objects.filter(responsible__username=username).select_related("resident").order_by("pk")
    )
    residents = [a.resident for a in archives if not clinical_consent_missing(resident=a.resident)]
    return residents[:count]


def seed_service_workflow() -> dict[str, int]:
    director = User.objects.get(username="director")
    counsellor = User.objects.get(username="counsellor")
    counsellor2 = User.objects.get(username="counsellor2")
    volunteer = User.objects.get(username="volunteer")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    # ORG-3: the duty roster. The community station already exists; 松林社区 gets its own.
    station_room = Room.objects.get(site__name="柳岸社区心理服务站", name="个体咨询室")
    pine = OrgUnit.objects.get(name="松林社区")
    pine_site = service_site_create(
        actor=None, name="松林社区心理咨询室", org_unit=pine, address="松林街 21 号党群服务中心一楼", phone=""
    )
    pine_room = room_create(actor=None, site=pine_site, name="咨询室", kind=Room.Kind.INDIVIDUAL, capacity=3)
    for weekday in DUTY_WEEKDAYS:
        opening_hours_add(actor=None, site=pine_site, weekday=weekday, opens=DUTY_STARTS, closes=DUTY_ENDS)
        for who, room in ((counsellor, station_room), (counsellor2, pine_room)):
            duty_shift_add(
                actor=director,
                counsellor=who,
                room=room,
                weekday=weekday,
                starts=DUTY_STARTS,
                ends=DUTY_ENDS,
                valid_from=monday - timedelta(weeks=8),
            )
    duty_exception_add(
        actor=director,
        kind="holiday",
        starts_on=date(today.year + 1, 1, 1),
        ends_on=date(today.year + 1, 1, 1),
        note="元旦",
    )

    institutions = [
        institution_create(
            actor=director,
            name="市精神卫生中心",
            kind="psychiatric",
            department="心理门诊",
            contact_person="王医生",
            phone="0571-8500 0000",
            address="市中心路 1 号",
        ),
        institution_create(
            actor=director,
            name="区人民医院",
            kind="general",
            department="临床心理科",
            contact_person="李护士长",
            phone="0571-8600 1200",
        ),
        institution_create(
            actor=director, name="青禾青少年心理成长中心", kind="specialist", phone="0571-8700 3300"
        ),
    ]

    clients = _caseload("counsellor", 6)
    pine_clients = _caseload("counsellor2", 1)
    counts = {"appointments": 0, "cases": 0, "sessions": 0, "hotline": 0}

    def session(case, day, number_text, *, modality=Modality.FACE_TO_FACE, private_note="", **extra):
        session_record_create(
            actor=case.counsellor,
            case=case,
            held_at=_at(day, time(13, 30)),
            duration_minutes=50,
            modality=modality,
            content=number_text,
            client_feedback="来访者表示这次谈话有帮助，愿意继续练习。",
            problems_handled="情绪识别与表达；睡眠作息。",
            next_steps="继续记录情绪日记，下次讨论应对方法。",
            private_note=private_note,
            **extra,
        )
        counts["sessions"] += 1

    def open_case(client, who, weeks_ago, problem):
        case = case_open(
            actor=who,
            resident=client,
            counsellor=who,
            presenting_problem=problem,
            opened_at=timezone.now() - timedelta(weeks=weeks_ago),
        )
        intake_record(
            actor=who,
            case=case,
            held_on=today - timedelta(weeks=weeks_ago),
            chief_complaint=problem,
            history="近半年工作和家庭压力增加，无既往精神科就诊史。",
            observations="衣着整洁，接触主动，情绪低落，思维连贯。",
            risk_notes="否认自伤想法。",
            impression="适应性困难，伴轻中度抑郁情绪。",
        )
        service_plan_create(
            actor=who,
            case=case,
            goals="改善睡眠；减少负面自动思维；恢复日常活动。",
            content="认知行为疗法：情绪日记、行为激活、放松训练。",
            modality=Modality.FACE_TO_FACE,
            frequency="每周一次，每次 50 分钟",
            period_start=today - timedelta(weeks=weeks_ago),
            period_end=today - timedelta(weeks=weeks_ago) + timedelta(weeks=8),
            agreed_on=today - timedelta(weeks=weeks_ago),
            agreement=ServicePlan.Agreement.WRITTEN,
        )
        counts["cases"] += 1
        return case

    if len(clients) > 0:
        # An open case well under way, with a private process note.
        first = open_case(clients[0], counsellor, 6, "工作压力大，失眠两个月，情绪低落。")
        for n, weeks in enumerate((5, 4, 3), start=1):
            session(
                first,
                today - timedelta(weeks=weeks),
                f"第 {n} 次咨询：回顾本周情绪日记，练习识别自动思维。",
                private_note="来访者谈到父亲时明显回避，下次留意。" if n == 2 else "",
            )
    if len(clients) > 1:
        # An open case whose plan was revised, with a referral waiting for its receipt.
        second = open_case(clients[1], counsellor, 3, "产后情绪波动，担心无法照顾孩子。")
        service_plan_create(
            actor=counsellor,
            case=second,
            goals="稳定情绪；建立家庭支持；评估是否需要医学干预。",
            content="支持性咨询，家庭会谈一次，必要时转介。",
            modality=Modality.FACE_TO_FACE,
            frequency="每周一次",
            period_start=today - timedelta(weeks=2),
            period_end=today + timedelta(weeks=6),
            revision_reason="第二次会谈后加入家庭会谈和转介评估。",
        )
        session(second, today - timedelta(weeks=2), "第 1 次咨询：了解产后适应情况，家庭支持不足。")
        referral = referral_create(
            actor=counsellor,
            case=second,
            institution=institutions[0],
            reason="产后抑郁症状持续，建议专科评估是否需要药物治疗。",
            urgency=Referral.Urgency.URGENT,
        )
        # Demo history: the referral left ten days ago and no receipt has come back.
        Referral.objects.filter(pk=referral.pk).update(referred_at=timezone.now() - timedelta(days=10))

    if len(clients) > 2:
        # A home visit for an elderly client who cannot come.
        third = open_case(clients[2], counsellor, 2, "独居老人，老伴去世后情绪低落，不愿出门。")
        session(
            third,
            today - timedelta(weeks=1),
            "上门服务：陪同聊天，了解生活起居，介绍社区老年活动。",
            modality=Modality.HOME_VISIT,
            address=clients[2].address or "柳岸社区",
            companions=[volunteer],
        )

    if len(clients) > 3:
        # A case closed as resolved, with its follow-ups and an answered satisfaction link.
        closed = open_case(clients[3], counsellor, 14, "考试焦虑，考前心慌、睡不着。")
        for n, weeks in enumerate((13, 12, 11, 10), start=1):
            session(closed, today - timedelta(weeks=weeks), f"第 {n} 次咨询：放松训练与考试情境想象暴露。")
        case_close(
            actor=counsellor,
            case=closed,
            outcome=Case.Outcome.RESOLVED,
            summary="焦虑明显缓解，考试顺利完成。",
        )
        # Demo history: it closed nine weeks ago, so its one-month follow-up is now overdue.
        closed_at = timezone.now() - timedelta(weeks=9)
        Case.objects.filter(pk=closed.pk).update(closed_at=closed_at)
        tasks = FollowUpTask.objects.filter(case=closed).order_by("due_on")
        for task, months in zip(tasks, settings.XINQIAO_FOLLOW_UP_MONTHS, strict=False):
            FollowUpTask.objects.filter(pk=task.pk).update(
                due_on=add_months(timezone.localdate(closed_at), months)
            )
        survey = closed.surveys.first()
        if survey is not None:
            satisfaction_submit(token=survey.token, rating=5, comment="咨询师很耐心，谢谢！")

    if len(clients) > 4:
        # An older case closed as improved, its first follow-up done, feedback given on paper.
        improved = open_case(clients[4], counsellor, 30, "与青春期孩子沟通困难，经常争吵。")
        session(
            improved,
            today - timedelta(weeks=29),
            "家庭会谈：练习非暴力沟通。",
            modality=Modality.FACE_TO_FACE,
        )
        case_close(
            actor=counsellor, case=improved, outcome=Case.Outcome.IMPROVED, summary="亲子冲突减少，仍需巩固。"
        )
        satisfaction_paper_entry(actor=counsellor, case=improved, rating=4, comment="希望周末也能预约。")
        first_task = FollowUpTask.objects.filter(case=improved).order_by("due_on").first()
        if first_task is not None:
            follow_up_complete(
                actor=counsellor, task=first_task, outcome="电话回访：亲子关系稳定，孩子已返校。"
            )

    if pine_clients:
        other = open_case(pine_clients[0], counsellor2, 1, "失业后焦虑，担心还不上房贷。")
        session(other, today - timedelta(days=6), "第 1 次咨询：梳理压力来源，制定求职计划。")

    # SVC-1: a week of appointments at the station, Monday to Thursday afternoons.
    slot_clients = clients[:3] + clients[5:6]
    for offset in range(-6, 8) if slot_clients else ():
        day = today + timedelta(days=offset)
        if day.weekday() not in DUTY_WEEKDAYS:
            continue
        for index, start in enumerate((time(13, 30), time(14, 30))):
            client = slot_clients[(offset + index) % len(slot_clients)]
            appointment = appointment_register(
                actor=counsellor,
                site=station_room.site,
                starts_at=_at(day, start),
                ends_at=_at(day, start) + timedelta(minutes=45),
                service=Appointment.Service.COUNSELLING,
                channel=Appointment.Channel.PHONE if index else Appointment.Channel.ON_SITE,
                contact_name=client.name,
                contact_phone=client.phone,
                resident=client,
                # Last week's sessions, entered as history.
                acknowledged=True,
            )
            # Past visits were confirmed the day before they took place.
            appointment_confirm(
                actor=counsellor,
                appointment=appointment,
                counsellor=counsellor,
                room=station_room,
                now=min(timezone.now(), appointment.starts_at - timedelta(days=1)),
            )
            if offset < 0:
                if index == 1 and offset == -1:
                    appointment_mark_no_show(actor=counsellor, appointment=appointment)
                else:
                    appointment_check_in(actor=counsellor, appointment=appointment)
                    appointment_complete(actor=counsellor, appointment=appointment)
            counts["appointments"] += 1
    # SVC-10: the elderly client's next home visit, in a morning off duty: two staff go, and the
    # travel there and back holds both their calendars.
    if len(clients) > 2:
        elder = clients[2]
        day = today + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        home_visit = appointment_register(
            actor=counsellor,
            site=station_room.site,
            starts_at=_at(day, time(9, 30)),
            ends_at=_at(day, time(10, 30)),
            service=Appointment.Service.HOME_VISIT,
            channel=Appointment.Channel.PHONE,
            contact_name=elder.name,
            contact_phone=elder.phone,
            resident=elder,
            address=elder.address or "柳岸社区 3 幢 2 单元 101 室",
            reason="独居，老伴去世后情绪低落，不愿出门。",
        )
        appointment_confirm(
            actor=counsellor, appointment=home_visit, counsellor=counsellor, companion=counsellor2
        )
        counts["appointments"] += 1
    # Two requests made on the portal, waiting for someone to take them.
    free = portal_free_slots(site=station_room.site)
    requests = [
        ("林女士", "13700001234", "最近总是睡不好，想找人聊聊。", Appointment.Service.COUNSELLING),
        ("高先生", "13900005678", "孩子厌学，想咨询怎么沟通。", Appointment.Service.FAMILY),
    ]
    for n, ((name, phone, reason, service), slot) in enumerate(zip(requests, free[-2:], strict=False)):
        appointment_request_from_portal(
            request_key=f"00000000-0000-4000-8000-00000000000{n + 1}",
            site=station_room.site,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            service=service,
            contact_name=name,
            contact_phone=phone,
            reason=reason,
        )
        counts["appointments"] += 1

    # SVC-9: the hotline and online-consultation log, one call with a positive risk check.
    now = timezone.now()
    calls = [
        dict(
            channel=HotlineEntry.Channel.PHONE,
            topic="emotion",
            action="support",
            summary="夜间来电，情绪低落，倾听支持。",
        ),
        dict(
            channel=HotlineEntry.Channel.WECHAT,
            topic="information",
            action="appointment",
            summary="咨询预约方式。",
        ),
        dict(
            channel=HotlineEntry.Channel.QQ,
            topic="study_work",
            action="information",
            summary="学生询问考试焦虑的自助方法。",
        ),
        dict(
            channel=HotlineEntry.Channel.PHONE,
            topic="crisis",
            action="crisis",
            summary="来电者表示最近有轻生念头，无具体计划，已约定次日面谈并告知 24 小时热线。",
            risk_suicidal_thoughts=True,
        ),
    ]
    for hours, call in zip((70, 45, 26, 5), calls, strict=True):
        hotline_entry_record(
            actor=counsellor, started_at=now - timedelta(hours=hours), duration_minutes=20, **call
        )
        counts["hotline"] += 1
    counts.update(seed_articles())
    counts.update(seed_group_counselling())
    counts.update(seed_activities())  # PRG-1, PRG-7: demo/activities.py
    counts.update(seed_monthly_reports())  # PRG-6: demo/monthlyreports.py
    counts.update(seed_volunteers())
    return counts
