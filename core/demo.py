"""Demo data (demo mode only): an org tree, two sites and one account per role.

Everything is created through the domain services, so demo data obeys the same rules and leaves
the same audit trail as real work.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from orgs.models import OrgUnit, Room, UnitKind
from orgs.services import opening_hours_add, org_unit_create, room_create, service_site_create

from .services import centre_profile_update

DEMO_PASSWORD = "xinqiao-demo"  # noqa: S105 - public by design, demo mode only

# The seeds' pattern: Monday to Thursday, 13:30–15:30.
DEMO_HOURS = [(weekday, time(13, 30), time(15, 30)) for weekday in range(4)]


class DemoRefused(Exception):
    pass


def demo_is_seeded() -> bool:
    return OrgUnit.objects.exists() or User.objects.exists()


@transaction.atomic
def demo_seed() -> dict[str, int]:
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
        ("counsellor", "咨询师 陈静", Role.COUNSELLOR, communities["柳岸社区"]),
        ("counsellor2", "咨询师 刘洋", Role.COUNSELLOR, communities["松林社区"]),
        ("supervisor", "督导 周琳", Role.SUPERVISOR, district),
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
    return {"org_units": OrgUnit.objects.count(), "accounts": len(accounts)}
