"""CONF-7 and ARC-4: residents' identifying details are encrypted at rest, and still searchable —
by pinyin and initials for names, by blind index for ID numbers and phones — within policy."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archives.models import Resident
from archives.selectors import resident_search
from archives.services import archive_set_responsible
from archives.tests.conftest import (
    ZHANG_17,
    ZHANG_ADDRESS,
    ZHANG_PHONE,
    client_for,
    register,
    url,
    valid_id,
)
from confidentiality.models import AuditEntry

pytestmark = pytest.mark.django_db

LIST = url("list")


def raw_database_bytes(tmp_path) -> bytes:
    """Everything the database holds, as bytes on disk (SQLite) or as a dump of the tables (PostgreSQL)."""
    if connection.vendor == "sqlite":
        target = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    dump = []
    with connection.cursor() as cursor:
        for table in ("archives_resident", "archives_correction", "confidentiality_auditentry"):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump.append(repr(cursor.fetchall()))
    return "".join(dump).encode()


@pytest.mark.django_db(transaction=True)  # VACUUM INTO cannot run inside the test's transaction
def test_the_database_never_holds_a_residents_id_number_phone_or_address_in_clear(people, tree, tmp_path):
    id_number = valid_id(ZHANG_17)
    resident = register(
        people.worker,
        tree.grid,
        id_number=id_number,
        phone=ZHANG_PHONE,
        address=ZHANG_ADDRESS,
        emergency_name="李梅",
        emergency_relation="妻子",
        emergency_phone="13700001111",
    )
    # Searching by the number must not leave it anywhere either (the audit log, for one).
    client_for(people.worker).get(LIST, {"q": id_number})

    stored = raw_database_bytes(tmp_path)
    for secret in (id_number, ZHANG_PHONE, "+86" + ZHANG_PHONE, ZHANG_ADDRESS, "13700001111", "李梅"):
        assert secret.encode("utf-8") not in stored, secret
    assert "张三".encode() in stored  # the name itself is not encrypted: the check can see text
    assert b"gAAAA" in stored  # the Fernet tokens are what is there
    fresh = Resident.objects.get(pk=resident.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (id_number, "+86" + ZHANG_PHONE, ZHANG_ADDRESS)


# ---------------------------------------------------------------------------------------------
# Search


@pytest.fixture
def neighbours(people, tree):
    """张三 and a few others in 柳岸社区, and one resident of 松林社区."""
    zhang = register(people.worker, tree.grid, id_number=valid_id(ZHANG_17), phone=ZHANG_PHONE)
    register(people.worker, tree.grid, name="李四", phone="13700001111")
    register(people.worker, tree.grid, name="章明", phone="13700002222")
    register(people.counsellor, tree.willow, name="周子松")
    pine = register(people.outsider, tree.pine, name="张松", phone="13600003333")
    return type("Neighbours", (), {"zhang": zhang, "pine": pine})


@pytest.mark.parametrize(
    "query",
    ["zhangsan", "zhang", "ZhangSan", "zhang san", "zs", "张三", "张"],
)
def test_zhang_san_is_found_by_characters_pinyin_and_initials(people, neighbours, query):
    found = resident_search(user=people.counsellor, query=query)
    assert neighbours.zhang in found
    assert "李四" not in {r.name for r in found}


def test_pinyin_matches_the_start_of_the_name_and_initials_match_exactly_that_far(people, neighbours):
    def names(query):
        return {r.name for r in resident_search(user=people.counsellor, query=query)}

    assert names("zhang") == {"张三", "章明"}  # 张松 lives in 松林社区, outside the counsellor's scope
    assert names("zs") == {"张三"}
    assert names("zm") == {"章明"}
    assert names("san") == set()  # pinyin matches from the start of the name


@pytest.mark.parametrize(
    "query",
    [
        valid_id(ZHANG_17),
        " ".join([valid_id(ZHANG_17)[:6], valid_id(ZHANG_17)[6:14], valid_id(ZHANG_17)[14:]]),
        ZHANG_PHONE,
        "139 1234 5678",
        "139-1234-5678",
        "+86" + ZHANG_PHONE,
    ],
)
def test_zhang_san_is_found_by_id_number_or_phone_through_the_blind_index(people, neighbours, query):
    assert list(resident_search(user=people.counsellor, query=query)) == [neighbours.zhang]


def test_a_partial_id_number_or_phone_finds_nobody(people, neighbours):
    """Exact match only: the blind index cannot be probed digit by digit."""
    assert not resident_search(user=people.counsellor, query=valid_id(ZHANG_17)[:12]).exists()
    assert not resident_search(user=people.counsellor, query=ZHANG_PHONE[:7]).exists()


def test_an_id_number_ending_in_x_is_found_typed_in_lower_case(people, tree):
    number = valid_id("11010119850612104")
    assert number.endswith("X")
    wang = register(people.worker, tree.grid, name="王芳", id_number=number)
    assert list(resident_search(user=people.worker, query=number.lower())) == [wang]


def test_the_list_screen_finds_by_initials(people, neighbours):
    response = client_for(people.worker).get(LIST, {"q": "zs"})
    body = response.content.decode()
    assert response.status_code == 200
    assert [r.name for r in response.context["page"]] == ["张三"]
    assert "张三" in body and url("detail", neighbours.zhang.pk) in body and "李四" not in body


def test_the_list_screen_finds_by_phone_and_id_number(people, neighbours):
    client = client_for(people.worker)
    for query in (ZHANG_PHONE, valid_id(ZHANG_17)):
        response = client.get(LIST, {"q": query})
        assert [r.pk for r in response.context["page"]] == [neighbours.zhang.pk]


def test_search_only_finds_residents_the_person_may_see(people, neighbours):
    for query in ("zhang", "zs", "张", valid_id(ZHANG_17), ZHANG_PHONE):
        assert neighbours.zhang not in resident_search(user=people.outsider, query=query)
        response = client_for(people.outsider).get(LIST, {"q": query})
        assert neighbours.zhang not in list(response.context["page"])
        assert url("detail", neighbours.zhang.pk) not in response.content.decode()
    assert list(resident_search(user=people.outsider, query="zhang")) == [neighbours.pine]
    # The grid worker's scope is their grid: 周子松 lives in the community, outside it.
    assert "周子松" not in {r.name for r in resident_search(user=people.worker)}
    assert "周子松" in {r.name for r in resident_search(user=people.counsellor)}


def test_the_risk_level_filter_only_narrows_archives_seen_clinically(people, neighbours):
    from archives.services import risk_level_set

    archive_set_responsible(
        actor=people.archivist, archive=neighbours.zhang.archive, staff=[people.counsellor]
    )
    risk_level_set(actor=people.counsellor, archive=neighbours.zhang.archive, level="red", reason="评估高危")
    assert list(resident_search(user=people.counsellor, risk_level="red")) == [neighbours.zhang]
    assert not resident_search(user=people.colleague, risk_level="red").exists()
    # The colleague (a counsellor, not on this case) may filter by risk: it finds nothing.
    response = client_for(people.colleague).get(LIST, {"risk_level": "red"})
    assert list(response.context["page"]) == []
    # The grid worker's form has no risk filter: a forged parameter filters nothing and reveals
    # no risk level.
    response = client_for(people.worker).get(LIST, {"risk_level": "red"})
    assert "risk_level" not in response.context["form"].fields
    assert neighbours.zhang in list(response.context["page"])
    assert response.context["clinical_ids"] == set()
    assert "risk-red" not in response.content.decode()
    response = client_for(people.counsellor).get(LIST, {"risk_level": "red"})
    assert list(response.context["page"]) == [neighbours.zhang]
    assert "risk-red" in response.content.decode()


def test_the_list_costs_the_same_number_of_queries_for_5_and_30_residents(people, tree):
    def list_queries() -> int:
        client.get(LIST)  # warm caches (content types, session) before counting
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(queries)

    def add(first, last):
        for i in range(first, last):
            resident = register(
                people.worker, tree.grid, name=f"居民{i:02d}", tags=["elderly", "living_alone"][: i % 3]
            )
            if i % 2:
                archive_set_responsible(
                    actor=people.archivist, archive=resident.archive, staff=[people.counsellor]
                )

    client = client_for(people.counsellor)
    add(0, 5)
    with_5 = list_queries()
    add(5, 30)
    with_30 = list_queries()
    assert with_30 == with_5
    assert with_5 <= 20


def test_a_search_is_audited_by_filter_without_the_number_typed(people, neighbours):
    number = valid_id(ZHANG_17)
    client_for(people.worker).get(LIST, {"q": number, "tag": "elderly"})
    entry = AuditEntry.objects.filter(action="resident.searched").latest("seq")
    assert entry.actor == people.worker
    assert entry.details == {"filters": ["q", "tag"]}
    for text in (str(entry.details), entry.reason, entry.object_id):
        assert number not in text and number[:14] not in text
    client_for(people.worker).get(LIST, {"q": ZHANG_PHONE})
    entry = AuditEntry.objects.filter(action="resident.searched").latest("seq")
    assert ZHANG_PHONE not in str(entry.details)


def test_roles_that_see_no_resident_cannot_open_the_list(people):
    for role in ("admin", "finance", "volunteer", "lead"):
        assert client_for(getattr(people, role)).get(LIST).status_code == 403
