"""Demo data of the volunteers (PRG-5): two volunteers with visit assignments, one overdue.

The demo ``volunteer`` (何雪) visits two residents of 柳岸社区: one with a recent contact, one
whose contact has been due for weeks (overdue on the coordinator's home page). A second
volunteer, a peer counsellor, visits a third. The counsellor 陈静 coordinates them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from archives.models import Resident
from confidentiality.models import ConsentKind
from confidentiality.services import consent_text_publish
from volunteers import services
from volunteers.models import VolunteerProfile

AGREEMENT = (
    "本人自愿参加社区心理服务中心的志愿探访工作，承诺：\n"
    "一、对探访中知悉的居民姓名、住址、电话、家庭情况及健康状况等个人信息严格保密，"
    "不向任何无关人员透露，不拍照、不录音、不在网络上发布；\n"
    "二、只在探访需要的范围内使用这些信息，服务结束后不再保存；\n"
    "三、发现居民有安全风险时，立即按规定报告心理老师或协调人，不自行处理；\n"
    "四、退出志愿服务后，本协议的保密义务继续有效。"
)


def _active(profile_user, coordinator, *, kind, skills, dialects, availability) -> VolunteerProfile:
    profile = services.volunteer_profile_create(
        actor=coordinator,
        user=profile_user,
        coordinator=coordinator,
        kind=kind,
        skills=skills,
        dialects=dialects,
        availability=availability,
    )
    services.volunteer_training_record(
        actor=coordinator,
        profile=profile,
        course="社区探访志愿者岗前培训",
        completed_on=timezone.localdate() - timedelta(days=90),
        hours=Decimal("12"),
    )
    services.volunteer_transition(actor=coordinator, profile=profile, action="train")
    services.volunteer_agreement_sign(
        actor=coordinator, profile=profile, signed_on=timezone.localdate() - timedelta(days=85)
    )
    services.volunteer_transition(actor=coordinator, profile=profile, action="activate")
    return profile


def seed_volunteers() -> dict[str, int]:
    coordinator = User.objects.get(username="counsellor")
    volunteer = User.objects.get(username="volunteer")
    from demo.seed import DEMO_PASSWORD

    peer, _password = user_create(
        actor=None,
        username="volunteer2",
        full_name="朋辈辅导员 杨柳",
        role=volunteer.role,
        org_unit=volunteer.org_unit,
        password=DEMO_PASSWORD,
        is_demo_account=True,
    )
    now = timezone.now()
    residents = list(
        Resident.objects.filter(
            org_unit__path__startswith=volunteer.org_unit.path, is_anonymised=False
        ).order_by("pk")[:3]
    )
    if len(residents) < 3:
        return {"volunteers": 0}
    if services.current_agreement_text() is None:
        consent_text_publish(
            actor=User.objects.get(username="admin"),
            kind=ConsentKind.VOLUNTEER,
            version="2026.1",
            title="志愿者保密协议",
            body=AGREEMENT,
        )
    he_xue = _active(
        volunteer,
        coordinator,
        kind=VolunteerProfile.Kind.VOLUNTEER,
        skills="陪伴聊天、读报",
        dialects="普通话、温州话",
        availability="工作日下午",
    )
    yang = _active(
        peer,
        coordinator,
        kind=VolunteerProfile.Kind.PEER_COUNSELLOR,
        skills="倾听、情绪支持",
        dialects="普通话",
        availability="周末",
    )

    def assign(profile, resident, *, reason, frequency, started_days_ago):
        assignment = services.assignment_propose(
            actor=coordinator, volunteer=profile, resident=resident, reason=reason, frequency_days=frequency
        )
        services.assignment_record_consent(
            actor=coordinator,
            assignment=assignment,
            consent_on=timezone.localdate() - timedelta(days=started_days_ago + 1),
            channel="verbal",
        )
        return services.assignment_activate(
            actor=coordinator, assignment=assignment, now=now - timedelta(days=started_days_ago)
        )

    recent = assign(he_xue, residents[0], reason="empty_nest", frequency=14, started_days_ago=40)
    # Overdue: started 45 days ago, every 14 days; one call without contact does not reset it.
    overdue = assign(he_xue, residents[1], reason="living_alone", frequency=14, started_days_ago=45)
    peer_assignment = assign(yang, residents[2], reason="elderly", frequency=7, started_days_ago=20)

    def visit(user, assignment, days_ago, **values):
        services.visit_log(
            actor=user,
            assignment=assignment,
            visited_at=now - timedelta(days=days_ago),
            now=now,
            **{"mode": "home", "contact_made": True, "duration_minutes": 60, "mood": "good", **values},
        )

    visit(volunteer, recent, 30, needs=["loneliness"], notes="陪老人聊天，看了孙子的照片。")
    visit(volunteer, recent, 5, mood="so_so", needs=["health"], notes="腿脚不便，提醒按时复诊。")
    visit(volunteer, overdue, 31, mode="phone", duration_minutes=15, notes="电话问候。")
    visit(volunteer, overdue, 10, mode="phone", contact_made=False, duration_minutes=5, mood="")
    visit(peer, peer_assignment, 3, mode="phone", duration_minutes=30, needs=["family_conflict"])
    return {"volunteers": 2, "visit_assignments": 3}
