"""Demo data (demo mode only): an org tree, two sites and one account per role.

Everything is created through the domain services, so demo data obeys the same rules and leaves
the same audit trail as real work.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from archives.services import archive_set_responsible, resident_register, risk_level_set
from assessments.services import assessment_record
from confidentiality.models import GUARDIAN_CONSENT_UNDER_AGE, ConsentKind, ConsentText
from confidentiality.roles import Role
from confidentiality.services import clinical_consent_missing, consent_record, consent_text_publish
from core.services import centre_profile_update
from lib.identity import prc_id_check_character
from orgs.models import OrgUnit, Room, UnitKind
from orgs.services import opening_hours_add, org_unit_create, room_create, service_site_create
from screening.services import campaign_create, campaign_set_status

from .crisis import seed_crisis
from .service import seed_service_workflow

DEMO_PASSWORD = "xinqiao-demo"  # noqa: S105 - public by design, demo mode only

# The seeds' pattern: Monday to Thursday, 13:30–15:30.
DEMO_HOURS = [(weekday, time(13, 30), time(15, 30)) for weekday in range(4)]


class DemoRefused(Exception):
    pass


def demo_is_seeded() -> bool:
    return OrgUnit.objects.exists() or User.objects.exists()


@transaction.atomic
def demo_seed(*, residents: int = 200) -> dict[str, int]:
    """Create the demo data set. Refused outside demo mode and on a database that has data."""
    if not settings.DEMO_MODE:
        raise DemoRefused("demo data can only be created in demo mode (XINQIAO_DEMO=1, not production)")
    if demo_is_seeded():
        raise DemoRefused("the database already has data; demo data is only added to an empty database")

    def unit(name, kind, parent=None, code=""):
        return org_unit_create(actor=None, name=name, kind=kind, parent=parent, code=code)

    district = unit("心桥示范区", UnitKind.DISTRICT, code="DEMO-D")
    east = unit("东湖街道", UnitKind.SUBDISTRICT, district)
    west = unit("西山街道", UnitKind.SUBDISTRICT, district)
    communities = {}
    for sub, names in ((east, ["柳岸社区", "桃源社区"]), (west, ["松林社区", "枫桥社区"])):
        for name in names:
            community = unit(name, UnitKind.COMMUNITY, sub)
            communities[name] = community
            for n in (1, 2):
                unit(f"{name}第{n}网格", UnitKind.GRID, community)
    school = unit("心桥实验中学", UnitKind.SCHOOL, district)
    classes = []
    for grade_name in ("七年级", "八年级"):
        grade = unit(grade_name, UnitKind.GRADE, school)
        for n in (1, 2):
            classes.append(unit(f"{grade_name}（{n}）班", UnitKind.CLASS, grade))

    station = service_site_create(
        actor=None,
        name="柳岸社区心理服务站",
        org_unit=communities["柳岸社区"],
        address="柳岸路 8 号活动中心二楼",
        phone="0571-8800 1001",
    )
    room_create(actor=None, site=station, name="个体咨询室", kind=Room.Kind.INDIVIDUAL, capacity=3)
    room_create(actor=None, site=station, name="团体活动室", kind=Room.Kind.GROUP, capacity=16)
    room_create(actor=None, site=station, name="沙盘室", kind=Room.Kind.SANDPLAY, capacity=4)
    school_room = service_site_create(
        actor=None, name="心灵驿站（心桥实验中学）", org_unit=school, address="心桥实验中学 综合楼 3 层"
    )
    room_create(actor=None, site=school_room, name="心理咨询室", kind=Room.Kind.INDIVIDUAL, capacity=3)
    room_create(actor=None, site=school_room, name="放松宣泄室", kind=Room.Kind.RELAXATION, capacity=2)
    for site in (station, school_room):
        for weekday, opens, closes in DEMO_HOURS:
            opening_hours_add(actor=None, site=site, weekday=weekday, opens=opens, closes=closes)

    grid = OrgUnit.objects.get(name="柳岸社区第1网格")
    accounts = [
        ("admin", "管理员 王敏", Role.ADMIN, district),
        ("director", "主任 李华", Role.DIRECTOR, district),
        ("lead", "项目负责人 赵强", Role.PROJECT_LEAD, district),
        # The supervisor before the counsellors, who are given her as their supervisor.
        ("supervisor", "督导 周琳", Role.SUPERVISOR, district),
        ("counsellor", "咨询师 陈静", Role.COUNSELLOR, communities["柳岸社区"]),
        ("counsellor2", "咨询师 刘洋", Role.COUNSELLOR, communities["松林社区"]),
        ("archivist", "档案管理员 吴芳", Role.ARCHIVIST, district),
        ("finance", "财务 郑丽", Role.FINANCE, district),
        ("worker", "网格员 孙伟", Role.GRID_WORKER, grid),
        ("volunteer", "志愿者 何雪", Role.VOLUNTEER, communities["柳岸社区"]),
        ("teacher", "班主任 马老师", Role.TEACHER, classes[0]),
    ]
    for username, full_name, role, scope in accounts:
        user_create(
            actor=None,
            username=username,
            full_name=full_name,
            role=role,
            org_unit=scope,
            email=f"{username}@example.org",
            password=DEMO_PASSWORD,
            is_demo_account=True,
            supervisor=User.objects.get(username="supervisor") if role == Role.COUNSELLOR else None,
        )

    centre_profile_update(
        actor=None,
        name="心桥社区心理服务中心（演示）",
        introduction="为辖区居民提供心理健康评估、心理咨询与辅导、危机干预和心理健康教育。服务免费，严格保密。",
        address="心桥示范区柳岸路 8 号",
        phone="0571-8800 1000",
        hotline="0571-8800 1234",
        hotline_hours="每天 8:00–22:00",
        email="service@demo.xinqiao.local",
    )
    seed_consent_texts()
    resident_count = seed_residents(count=residents)
    seed_school_campaign()
    service = seed_service_workflow()
    service.update(seed_crisis())
    return {
        "org_units": OrgUnit.objects.count(),
        "accounts": len(accounts),
        "residents": resident_count,
        **service,
    }


CONSENT_TEXTS = [
    (
        ConsentKind.INFORMED,
        "心理服务知情同意书",
        "本人自愿接受社区心理服务中心提供的心理健康评估、心理咨询与辅导等服务。本人已了解服务的内容、方式、"
        "可能的益处与局限，知道可以随时提出疑问、拒绝或终止服务。",
    ),
    (
        ConsentKind.CONFIDENTIALITY,
        "心理服务保密协议",
        "中心对服务中获知的个人信息和谈话内容严格保密。以下情形属于保密例外：本人或他人的生命安全面临危险；"
        "法律法规要求披露；本人书面同意披露。发生保密例外时，中心仅披露必要的最少信息，并记录在案。",
    ),
    (
        ConsentKind.SENSITIVE_INFO,
        "敏感个人信息处理同意书",
        "本人同意中心为提供心理服务之目的，处理本人的身份证件号码、联系方式、心理测评结果和服务记录等敏感"
        "个人信息。信息加密保存，仅限服务团队在必要范围内查阅，每次查阅均有记录。本人可随时撤回同意。",
    ),
]


def seed_consent_texts() -> None:
    admin = User.objects.get(username="admin")
    for kind, title, body in CONSENT_TEXTS:
        consent_text_publish(actor=admin, kind=kind, version="2026.1", title=title, body=body)


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕志国建国海波宇浩然子涵欣怡梓轩"
# Area code of a real district prefix shape (the demo numbers are invented but pass the checksum).
AREA_CODES = ["330102", "330105", "330106", "330108"]
MOBILE_PREFIXES = ["139", "138", "136", "135", "150", "151", "158", "186", "187", "189", "177", "199"]
RISK_SPREAD = ["none"] * 14 + ["yellow"] * 3 + ["orange"] * 2 + ["red"]


def _demo_mobile(rng: random.Random) -> str:
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(10000000, 99999999)}"


def _demo_id_number(rng: random.Random, born: date, sex: str) -> str:
    sequence = rng.randrange(0, 99) * 10 + (
        rng.choice([1, 3, 5, 7, 9]) if sex == "M" else rng.choice([0, 2, 4, 6, 8])
    )
    first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{sequence:03d}"
    return first17 + prc_id_check_character(first17)


def seed_residents(*, count: int) -> int:
    """Residents across the grids and school classes, with varied ages, groups and risk levels.

    Deterministic (a fixed random seed), so every demo looks the same. Most have consents.
    """
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not a secret
    director = User.objects.get(username="director")
    archivist = User.objects.get(username="archivist")
    grids = list(OrgUnit.objects.filter(kind=UnitKind.GRID).order_by("path"))
    classes = list(OrgUnit.objects.filter(kind=UnitKind.CLASS).order_by("path"))
    texts = {text.kind: text for text in ConsentText.objects.filter(is_current=True)}
    today = timezone.localdate()
    used_phones: set[str] = set()
    local_staff = {user.org_unit_id: user for user in User.objects.filter(username__in=["worker", "teacher"])}

    def registrar_for(unit):
        # The grid worker and teacher register people in their own unit; the archive manager the rest.
        return local_staff.get(unit.pk, archivist)

    responsible: dict[str, list] = {"counsellor": [], "counsellor2": []}
    for n in range(count):
        in_school = n % 5 == 0
        unit = rng.choice(classes if in_school else grids)
        sex = rng.choice(["M", "F"])
        age = (
            rng.randint(12, 15)
            if in_school
            else rng.choice([rng.randint(18, 45), rng.randint(46, 64), rng.randint(65, 88)])
        )
        born = today.replace(year=today.year - age) - timedelta(days=rng.randint(1, 360))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        phone = _demo_mobile(rng)
        while phone in used_phones:
            phone = _demo_mobile(rng)
        used_phones.add(phone)
        tags = []
        if age < 18:
            tags += ["minor", "adolescent", "student"]
        if sex == "F" and not in_school:
            tags.append("woman")
            if 22 <= age <= 38 and rng.random() < 0.2:
                tags.append("perinatal")
        if age >= 65:
            tags.append("elderly")
            if rng.random() < 0.4:
                tags.append(rng.choice(["empty_nest", "living_alone"]))
        if rng.random() < 0.06:
            tags.append("disabled")
        if rng.random() < 0.08:
            tags.append("low_income")
        guardian = {}
        if age < 18:
            guardian = {
                "guardian_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "guardian_relation": rng.choice(["母亲", "父亲", "祖母"]),
                "guardian_phone": _demo_mobile(rng),
            }
        resident = resident_register(
            actor=registrar_for(unit),
            name=name,
            org_unit=unit,
            id_number=_demo_id_number(rng, born, sex),
            phone=phone,
            address=f"{unit.name} {rng.randint(1, 60)}幢{rng.randint(1, 6)}单元{rng.randint(101, 1802)}室",
            tags=tags,
            emergency_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            emergency_relation=rng.choice(["配偶", "子女", "兄弟姐妹", "朋友"]),
            emergency_phone=_demo_mobile(rng),
            **guardian,
        )
        if rng.random() < 0.85:
            signed_on = today - timedelta(days=rng.randint(1, 300))
            by_guardian = resident.age_on(signed_on) < GUARDIAN_CONSENT_UNDER_AGE
            for kind in (ConsentKind.INFORMED, ConsentKind.CONFIDENTIALITY, ConsentKind.SENSITIVE_INFO):
                consent_record(
                    actor=registrar_for(unit),
                    resident=resident,
                    text=texts[kind],
                    signed_on=signed_on,
                    signer="guardian" if by_guardian else "self",
                    signer_name=guardian["guardian_name"] if by_guardian else name,
                    channel=rng.choice(["paper", "electronic"]),
                )
        level = rng.choice(RISK_SPREAD)
        if level != "none":
            risk_level_set(
                actor=director, archive=resident.archive, level=level, reason="演示数据：初次评估后确定"
            )
        community = OrgUnit.objects.get_parent(unit) if unit.kind == UnitKind.GRID else None
        if community is not None and community.name == "柳岸社区" and len(responsible["counsellor"]) < 12:
            responsible["counsellor"].append(resident.archive)
        if community is not None and community.name == "松林社区" and len(responsible["counsellor2"]) < 12:
            responsible["counsellor2"].append(resident.archive)
    for username, archives in responsible.items():
        counsellor = User.objects.get(username=username)
        for archive in archives:
            archive_set_responsible(actor=archivist, archive=archive, staff=[counsellor])
        seed_assessments(rng=rng, counsellor=counsellor, archives=archives)
    return count


# PHQ-9 answer patterns, mildest first; a course moves between neighbouring patterns.
PHQ9_PATTERNS = [
    [0, 1, 0, 1, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 0, 1, 0, 0],
    [2, 2, 1, 2, 1, 1, 1, 1, 0],
    [2, 2, 2, 2, 2, 2, 2, 1, 0],
    [3, 3, 2, 3, 2, 2, 2, 2, 1],
]


def seed_assessments(*, rng: random.Random, counsellor, archives) -> None:
    """A few months of PHQ-9 and GAD-7 results for residents on a counsellor's caseload: some get
    better, some worse; one of them states a wish to die (a critical flag)."""
    now = timezone.now()
    critical_done = False
    for archive in archives:
        resident = archive.resident
        if clinical_consent_missing(resident=resident):
            continue
        level = rng.randint(1, 3)
        for months_ago in (5, 3, 1):
            level = max(0, min(4, level + rng.choice([-1, 0, 1])))
            answers = list(PHQ9_PATTERNS[level])
            if level == 4 and not critical_done:
                answers[8] = 2
                critical_done = True
            when = now - timedelta(days=30 * months_ago + rng.randint(0, 6))
            assessment_record(
                actor=counsellor,
                resident=resident,
                instrument_code="phq9",
                answers=answers,
                administered_at=when,
            )
            gad = [min(3, max(0, level - 1 + rng.choice([-1, 0, 1]))) for _ in range(7)]
            assessment_record(
                actor=counsellor, resident=resident, instrument_code="gad7", answers=gad, administered_at=when
            )


def seed_school_campaign() -> None:
    """One running screening for the school: PHQ-2 and GAD-2, leading on to PHQ-9 and GAD-7."""
    director = User.objects.get(username="director")
    school = OrgUnit.objects.get(kind=UnitKind.SCHOOL)
    today = timezone.localdate()
    campaign = campaign_create(
        actor=director,
        name="心桥实验中学 2026 年秋季心理普查",
        description="请在安静的环境中独立完成，大约需要 5 分钟。结果仅供学校心理老师和中心心理咨询师查看。",
        instruments=["phq2", "gad2"],
        target_units=[school],
        target_tags=[],
        starts_on=today - timedelta(days=7),
        ends_on=today + timedelta(days=21),
        identification="id_number",
        guardian_consent_method="开学家长会上由家长书面签署《心理普查知情同意书》，原件由班主任收存。",
    )
    campaign_set_status(actor=director, campaign=campaign, status="running")
