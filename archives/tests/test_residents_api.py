"""Residents over the API: the same search, registration, correction and audit as the web interface.

What a caller sees follows confidentiality.policy: scope for basic information, case assignment
(or an approved access grant) for clinical content, 404 for what is out of reach.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from archives.models import Correction, Resident
from archives.services import archive_set_responsible, resident_register, risk_level_set
from confidentiality.models import AuditEntry
from confidentiality.services import access_request_create, access_request_decide
from lib.identity import prc_id_check_character

pytestmark = pytest.mark.django_db

RESIDENTS = "/api/v1/residents/"


def resident_url(pk) -> str:
    return f"{RESIDENTS}{pk}/"


def valid_id(born: date, sequence: str = "123", area: str = "110101") -> str:
    """A valid ID card number for someone born on this day (an odd last sequence digit: a man)."""
    first17 = f"{area}{born:%Y%m%d}{sequence}"
    return first17 + prc_id_check_character(first17)


ZHANG_ID = valid_id(date(1990, 3, 7))
LI_ID = valid_id(date(1985, 11, 20), "246")
WANG_ID = valid_id(date(1972, 5, 1), "357")


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return _as


@pytest.fixture
def zhang(people, tree):
    """张三, registered by the grid worker in 柳岸第1网格 (inside 柳岸社区)."""
    return resident_register(
        actor=people.worker,
        name="张三",
        org_unit=tree.grid,
        id_number=ZHANG_ID,
        phone="13912345678",
        address="柳岸路8号3单元502室",
    )


@pytest.fixture
def wang(people, tree):
    """王五, also in 柳岸第1网格."""
    return resident_register(
        actor=people.worker, name="王五", org_unit=tree.grid, id_number=WANG_ID, phone="13812345678"
    )


@pytest.fixture
def li(people, tree):
    """李四, in 松林社区 (another subdistrict), registered by the counsellor there."""
    return resident_register(
        actor=people.outsider, name="李四", org_unit=tree.pine, id_number=LI_ID, phone="13712345678"
    )


def names(response) -> set[str]:
    return {row["name"] for row in response.data["results"]}


def rows_by_name(response) -> dict[str, dict]:
    return {row["name"]: row for row in response.data["results"]}


def make_responsible(people, resident, *staff) -> None:
    archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=list(staff))


# ---------------------------------------------------------------------------------------------
# The list


def test_a_counsellor_lists_only_the_residents_of_its_community(api, people, zhang, wang, li):
    response = api(people.counsellor).get(RESIDENTS)
    assert response.status_code == 200
    assert names(response) == {"张三", "王五"}
    assert response.data["count"] == 2
    assert "李四" not in names(response)


def test_the_counsellor_in_the_other_subdistrict_lists_only_its_own(api, people, zhang, li):
    assert names(api(people.outsider).get(RESIDENTS)) == {"李四"}


def test_the_initials_zs_find_zhang_san(api, people, zhang, wang):
    response = api(people.counsellor).get(RESIDENTS, {"q": "zs"})
    assert response.status_code == 200
    assert names(response) == {"张三"}
    assert names(api(people.counsellor).get(RESIDENTS, {"q": "zhangsan"})) == {"张三"}


def test_an_id_number_finds_its_resident_exactly(api, people, zhang, wang):
    assert names(api(people.worker).get(RESIDENTS, {"q": ZHANG_ID})) == {"张三"}


def test_each_row_has_the_basic_fields_and_never_the_contact_details(api, people, zhang):
    row = api(people.worker).get(RESIDENTS).data["results"][0]
    assert set(row) == {"id", "name", "sex", "birth_date", "org_unit", "archive_number", "tags", "risk_level"}
    assert row["id"] == zhang.pk
    assert row["sex"] == "M"
    assert row["birth_date"] == "1990-03-07"
    assert row["org_unit"] == zhang.org_unit_id
    assert row["archive_number"] == zhang.archive.number
    assert row["tags"] == []
    body = json.dumps(api(people.worker).get(RESIDENTS).data, ensure_ascii=False)
    for secret in (ZHANG_ID, "13912345678", "+8613912345678", "柳岸路8号"):
        assert secret not in body


def test_the_tags_are_listed_by_code(api, people, tree):
    resident_register(
        actor=people.worker,
        name="赵六",
        org_unit=tree.grid,
        id_number=valid_id(date(1950, 1, 2)),
        tags=["living_alone", "elderly"],
    )
    response = api(people.worker).get(RESIDENTS, {"tag": "elderly"})
    assert rows_by_name(response)["赵六"]["tags"] == ["elderly", "living_alone"]
    assert names(api(people.worker).get(RESIDENTS, {"tag": "student"})) == set()


def test_the_risk_level_is_null_for_those_who_do_not_see_clinical_content(api, people, zhang):
    make_responsible(people, zhang, people.counsellor)
    risk_level_set(actor=people.counsellor, archive=zhang.archive, level="yellow", reason="筛查阳性")
    for who in ("worker", "archivist", "colleague"):
        row = rows_by_name(api(getattr(people, who)).get(RESIDENTS))["张三"]
        assert row["risk_level"] is None, who


def test_the_responsible_counsellor_sees_the_risk_level(api, people, zhang, wang):
    before = rows_by_name(api(people.counsellor).get(RESIDENTS))
    assert before["张三"]["risk_level"] is None
    make_responsible(people, zhang, people.counsellor)
    risk_level_set(actor=people.counsellor, archive=zhang.archive, level="yellow", reason="筛查阳性")
    rows = rows_by_name(api(people.counsellor).get(RESIDENTS))
    assert rows["张三"]["risk_level"] == "yellow"
    assert rows["王五"]["risk_level"] is None


def test_the_risk_filter_narrows_to_archives_whose_risk_the_counsellor_sees(api, people, zhang, wang):
    make_responsible(people, zhang, people.counsellor)
    risk_level_set(actor=people.counsellor, archive=zhang.archive, level="orange", reason="评估")
    assert names(api(people.counsellor).get(RESIDENTS, {"risk_level": "orange"})) == {"张三"}
    assert names(api(people.colleague).get(RESIDENTS, {"risk_level": "orange"})) == set()


@pytest.mark.parametrize("who", ["worker", "archivist", "teacher"])
def test_the_risk_filter_is_refused_to_roles_without_clinical_content(api, people, zhang, who):
    response = api(getattr(people, who)).get(RESIDENTS, {"risk_level": "yellow"})
    assert response.status_code == 400
    assert str(response.data["risk_level"][0])


def test_the_unit_filter_takes_a_unit_in_scope(api, people, tree, zhang):
    assert names(api(people.counsellor).get(RESIDENTS, {"org_unit": tree.grid.pk})) == {"张三"}
    assert names(api(people.director).get(RESIDENTS, {"org_unit": tree.pine.pk})) == set()


@pytest.mark.parametrize("unit", ["pine", "district"])
def test_a_unit_out_of_scope_is_a_400(api, people, tree, zhang, li, unit):
    response = api(people.counsellor).get(RESIDENTS, {"org_unit": getattr(tree, unit).pk})
    assert response.status_code == 400
    assert "org_unit" in response.data


def test_a_missing_unit_or_an_unknown_tag_is_a_400(api, people, zhang):
    assert api(people.counsellor).get(RESIDENTS, {"org_unit": 10**6}).status_code == 400
    assert api(people.counsellor).get(RESIDENTS, {"org_unit": "abc"}).status_code == 400
    assert api(people.counsellor).get(RESIDENTS, {"tag": "astronaut"}).status_code == 400


def test_a_search_is_audited_by_its_filter_names_never_its_values(api, people, tree, zhang):
    api(people.counsellor).get(RESIDENTS, {"q": ZHANG_ID, "org_unit": tree.grid.pk, "tag": ""})
    entry = AuditEntry.objects.filter(action="resident.searched").order_by("-seq").first()
    assert entry.actor_id == people.counsellor.pk
    assert entry.details == {"filters": ["org_unit", "q"]}
    assert ZHANG_ID not in json.dumps(entry.details)


@pytest.mark.parametrize("who", ["finance", "admin", "lead", "volunteer"])
def test_roles_that_see_no_residents_may_not_list_them(api, people, zhang, who):
    assert api(getattr(people, who)).get(RESIDENTS).status_code == 403


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_page_holds(api, people, tree, zhang):
    make_responsible(people, zhang, people.counsellor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api(people.counsellor).get(RESIDENTS).status_code == 200
        return len(captured)

    few = queries()
    for n in range(4):
        resident_register(
            actor=people.worker, name=f"居民{n}", org_unit=tree.grid, id_number=valid_id(date(1980, 1, 1 + n))
        )
    assert queries() == few


# ---------------------------------------------------------------------------------------------
# Registering


def test_a_grid_worker_registers_a_resident(api, people, tree):
    response = api(people.worker).post(
        RESIDENTS,
        {
            "name": "张三",
            "org_unit": tree.grid.pk,
            "id_number": ZHANG_ID,
            "phone": "13912345678",
            "tags": ["elderly"],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    resident = Resident.objects.get(pk=response.data["id"])
    assert resident.name == "张三"
    assert resident.created_by == people.worker
    assert resident.archive.number == response.data["archive"]["number"]
    assert response["Location"] == resident_url(resident.pk)
    # Birth date and sex come from the ID card number.
    assert response.data["birth_date"] == "1990-03-07"
    assert response.data["sex"] == "M"
    assert response.data["tags"] == ["elderly"]
    assert response.data["clinical"] is None
    assert AuditEntry.objects.filter(action="resident.registered", object_id=str(resident.pk)).exists()


def test_an_invalid_id_number_is_a_400_on_the_id_number(api, people, tree):
    wrong = ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")
    response = api(people.worker).post(
        RESIDENTS, {"name": "张三", "org_unit": tree.grid.pk, "id_number": wrong}, format="json"
    )
    assert response.status_code == 400
    assert str(response.data["id_number"][0])
    assert not Resident.objects.exists()


def test_a_minor_without_a_guardian_is_a_400(api, people, tree):
    child = valid_id(date(date.today().year - 10, 6, 1))  # noqa: DTZ011 - a calendar date
    response = api(people.worker).post(
        RESIDENTS, {"name": "小明", "org_unit": tree.grid.pk, "id_number": child}, format="json"
    )
    assert response.status_code == 400
    assert "guardian_name" in response.data
    assert not Resident.objects.exists()


def test_a_duplicate_is_a_409_that_names_the_existing_resident(api, people, tree, zhang):
    before = Resident.objects.count()
    response = api(people.worker).post(
        RESIDENTS, {"name": "张叁", "org_unit": tree.grid.pk, "id_number": ZHANG_ID}, format="json"
    )
    assert response.status_code == 409
    assert response.data["existing"] == zhang.pk
    assert str(response.data["detail"])
    assert Resident.objects.count() == before
    refused = AuditEntry.objects.get(action="resident.duplicate_refused")
    assert refused.object_id == str(zhang.pk)
    assert refused.actor_id == people.worker.pk


def test_a_duplicate_out_of_scope_is_a_409_that_names_nobody(api, people, tree, li):
    before = Resident.objects.count()
    response = api(people.worker).post(
        RESIDENTS, {"name": "李四", "org_unit": tree.grid.pk, "id_number": LI_ID}, format="json"
    )
    assert response.status_code == 409
    assert set(response.data) == {"detail"}
    assert str(response.data["detail"])
    assert Resident.objects.count() == before


@pytest.mark.parametrize("who", ["finance", "admin", "volunteer", "supervisor"])
def test_roles_that_may_not_register_get_a_403_and_nothing_is_created(api, people, tree, who):
    response = api(getattr(people, who)).post(
        RESIDENTS, {"name": "张三", "org_unit": tree.grid.pk, "id_number": ZHANG_ID}, format="json"
    )
    assert response.status_code == 403
    assert not Resident.objects.exists()


def test_registering_into_a_unit_out_of_scope_is_a_400(api, people, tree):
    response = api(people.worker).post(
        RESIDENTS, {"name": "张三", "org_unit": tree.pine.pk, "id_number": ZHANG_ID}, format="json"
    )
    assert response.status_code == 400
    assert "org_unit" in response.data
    assert not Resident.objects.exists()


def test_a_field_registration_does_not_take_is_refused(api, people, tree):
    response = api(people.worker).post(
        RESIDENTS, {"name": "张三", "org_unit": tree.grid.pk, "risk_level": "red"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.data) == {"risk_level"}
    assert not Resident.objects.exists()


def test_a_name_and_a_unit_are_required(api, people, tree):
    response = api(people.worker).post(RESIDENTS, {}, format="json")
    assert response.status_code == 400
    assert {"name", "org_unit"} <= set(response.data)


# ---------------------------------------------------------------------------------------------
# Reading one


def test_a_worker_reads_a_resident_with_the_id_number_masked(api, people, zhang):
    response = api(people.worker).get(resident_url(zhang.pk))
    assert response.status_code == 200
    data = response.data
    assert data["name"] == "张三"
    assert data["id_number"] == f"{ZHANG_ID[:4]}{'*' * 12}{ZHANG_ID[-2:]}"
    assert data["phone"] == "+8613912345678"
    assert data["address"] == "柳岸路8号3单元502室"
    assert data["document_type"] == "prc_id"
    assert data["clinical"] is None
    assert data["archive"] == {
        "number": zhang.archive.number,
        "status": "open",
        "paper_location": "",
        "responsible": [],
    }
    assert {"guardian_name", "guardian_phone", "emergency_name", "emergency_phone"} <= set(data)


def test_reading_a_resident_is_audited_as_opening_the_archive(api, people, zhang):
    api(people.worker).get(resident_url(zhang.pk))
    entry = AuditEntry.objects.filter(action="archive.viewed").order_by("-seq").first()
    assert entry.actor_id == people.worker.pk
    assert entry.object_type == "archives.archive"
    assert entry.object_id == str(zhang.archive.pk)
    assert entry.details == {"clinical_basis": ""}


def test_the_archivist_sees_the_full_id_number_but_nothing_clinical(api, people, zhang):
    data = api(people.archivist).get(resident_url(zhang.pk)).data
    assert data["id_number"] == ZHANG_ID
    assert data["clinical"] is None


def test_the_responsible_counsellor_sees_the_clinical_summary(api, people, zhang):
    make_responsible(people, zhang, people.counsellor)
    data = api(people.counsellor).get(resident_url(zhang.pk)).data
    assert data["clinical"] == {"risk_level": "none"}
    assert data["id_number"] == ZHANG_ID
    assert data["archive"]["responsible"] == [people.counsellor.pk]
    entry = AuditEntry.objects.filter(action="archive.viewed").order_by("-seq").first()
    assert entry.details == {"clinical_basis": "responsible"}


def test_a_resident_out_of_scope_is_a_404_and_the_refusal_is_audited(api, people, li):
    before = AuditEntry.objects.filter(action="access.refused").count()
    response = api(people.counsellor).get(resident_url(li.pk))
    assert response.status_code == 404
    refused = AuditEntry.objects.filter(action="access.refused")
    assert refused.count() == before + 1
    entry = refused.order_by("-seq").first()
    assert entry.actor_id == people.counsellor.pk
    assert entry.object_type == "archives.resident"
    assert entry.object_id == str(li.pk)
    assert not AuditEntry.objects.filter(action="archive.viewed", actor=people.counsellor).exists()


def test_a_missing_resident_is_the_same_404(api, people, li):
    out_of_scope = api(people.counsellor).get(resident_url(li.pk))
    before = AuditEntry.objects.filter(action="access.refused").count()
    missing = api(people.counsellor).get(resident_url(li.pk + 1000))
    assert missing.status_code == out_of_scope.status_code == 404
    assert missing.data == out_of_scope.data
    assert AuditEntry.objects.filter(action="access.refused").count() == before


def test_the_finance_officer_reads_no_resident(api, people, zhang):
    assert api(people.finance).get(resident_url(zhang.pk)).status_code == 404


def test_an_outsider_with_an_approved_request_reads_the_clinical_summary(api, people, zhang):
    assert api(people.outsider).get(resident_url(zhang.pk)).status_code == 404
    grant = access_request_create(actor=people.outsider, archive=zhang.archive, reason="转介评估需要")
    access_request_decide(actor=people.archivist, grant=grant, approve=True)
    response = api(people.outsider).get(resident_url(zhang.pk))
    assert response.status_code == 200
    assert response.data["clinical"] == {"risk_level": "none"}
    entry = AuditEntry.objects.filter(action="archive.viewed").order_by("-seq").first()
    assert entry.actor_id == people.outsider.pk
    assert entry.details == {"clinical_basis": "access_grant"}


# ---------------------------------------------------------------------------------------------
# Correcting


def test_a_correction_with_a_reason_is_saved_and_the_old_value_kept(api, people, zhang):
    response = api(people.counsellor).patch(
        resident_url(zhang.pk), {"address": "柳岸路9号", "reason": "居民搬家"}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["address"] == "柳岸路9号"
    zhang.refresh_from_db()
    assert zhang.address == "柳岸路9号"
    correction = Correction.objects.get(resident=zhang)
    assert correction.field == "address"
    assert correction.old_value == "柳岸路8号3单元502室"
    assert correction.new_value == "柳岸路9号"
    assert correction.reason == "居民搬家"
    assert correction.corrected_by == people.counsellor
    assert AuditEntry.objects.filter(action="resident.corrected", object_id=str(zhang.pk)).exists()


def test_a_corrected_id_number_gives_the_birth_date_even_if_the_old_one_is_sent_back(api, people, zhang):
    new_id = valid_id(date(1991, 4, 8))
    response = api(people.counsellor).patch(
        resident_url(zhang.pk),
        {"id_number": new_id, "birth_date": "1990-03-07", "name": "张三", "reason": "身份证号录错"},
        format="json",
    )
    assert response.status_code == 200, response.data
    zhang.refresh_from_db()
    assert zhang.id_number == new_id
    assert zhang.birth_date == date(1991, 4, 8)
    assert set(Correction.objects.filter(resident=zhang).values_list("field", flat=True)) == {
        "id_number",
        "birth_date",
    }


def test_a_resident_can_be_moved_to_a_unit_in_scope_only(api, people, tree, zhang):
    refused = api(people.counsellor).patch(
        resident_url(zhang.pk), {"org_unit": tree.pine.pk, "reason": "搬迁"}, format="json"
    )
    assert refused.status_code == 400
    assert "org_unit" in refused.data
    moved = api(people.counsellor).patch(
        resident_url(zhang.pk), {"org_unit": tree.willow.pk, "reason": "网格调整"}, format="json"
    )
    assert moved.status_code == 200, moved.data
    zhang.refresh_from_db()
    assert zhang.org_unit == tree.willow


@pytest.mark.parametrize("body", [{"address": "柳岸路9号"}, {"address": "柳岸路9号", "reason": "  "}])
def test_a_correction_without_a_reason_is_a_400_and_changes_nothing(api, people, zhang, body):
    response = api(people.counsellor).patch(resident_url(zhang.pk), body, format="json")
    assert response.status_code == 400
    assert "reason" in response.data
    zhang.refresh_from_db()
    assert zhang.address == "柳岸路8号3单元502室"
    assert not Correction.objects.exists()


@pytest.mark.parametrize("field", [{"tags": ["elderly"]}, {"is_anonymised": True}, {"created_by": 1}])
def test_a_field_that_cannot_be_corrected_is_refused(api, people, zhang, field):
    response = api(people.counsellor).patch(
        resident_url(zhang.pk), {**field, "address": "柳岸路9号", "reason": "试试"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.data) == set(field)
    zhang.refresh_from_db()
    assert zhang.address == "柳岸路8号3单元502室"
    assert not Correction.objects.exists()


def test_an_invalid_correction_is_a_400_on_its_field(api, people, zhang):
    response = api(people.counsellor).patch(
        resident_url(zhang.pk), {"phone": "12345", "reason": "电话变更"}, format="json"
    )
    assert response.status_code == 400
    assert "phone" in response.data
    assert not Correction.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("worker", 403), ("supervisor", 403), ("teacher", 404)],  # the teacher does not see 张三 at all
)
def test_roles_that_may_not_correct_are_refused_and_nothing_changes(api, people, zhang, who, status):
    response = api(getattr(people, who)).patch(
        resident_url(zhang.pk), {"address": "柳岸路9号", "reason": "居民搬家"}, format="json"
    )
    assert response.status_code == status
    zhang.refresh_from_db()
    assert zhang.address == "柳岸路8号3单元502室"
    assert not Correction.objects.exists()


def test_a_correction_out_of_reach_is_a_404(api, people, li):
    response = api(people.counsellor).patch(
        resident_url(li.pk), {"address": "别处", "reason": "试探"}, format="json"
    )
    assert response.status_code == 404
    assert not Correction.objects.exists()


def test_a_resident_seen_through_a_grant_cannot_be_corrected_out_of_scope(api, people, zhang):
    grant = access_request_create(actor=people.outsider, archive=zhang.archive, reason="转介评估需要")
    access_request_decide(actor=people.archivist, grant=grant, approve=True)
    response = api(people.outsider).patch(
        resident_url(zhang.pk), {"address": "别处", "reason": "试探"}, format="json"
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()


# ---------------------------------------------------------------------------------------------
# Unauthenticated, wrong method, schema


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("post", ""), ("get", "1/"), ("patch", "1/")])
def test_an_unauthenticated_request_is_a_401(tree, method, path):
    response = getattr(APIClient(), method)(f"{RESIDENTS}{path}", {"name": "x"}, format="json")
    assert response.status_code == 401
    assert not Resident.objects.exists()


@pytest.mark.parametrize(
    ("method", "detail"),
    [("put", False), ("patch", False), ("delete", False), ("put", True), ("delete", True), ("post", True)],
)
def test_a_wrong_method_is_a_405_and_changes_nothing(api, people, zhang, method, detail):
    url = resident_url(zhang.pk) if detail else RESIDENTS
    response = getattr(api(people.archivist), method)(url, {"name": "改名", "reason": "x"}, format="json")
    assert response.status_code == 405
    zhang.refresh_from_db()
    assert zhang.name == "张三"
    assert Resident.objects.count() == 1


def test_the_schema_documents_the_resident_endpoints(client):
    document = json.loads(client.get("/api/schema/?format=json").content)
    paths = document["paths"]
    assert set(paths[RESIDENTS]) >= {"get", "post"}
    assert set(paths["/api/v1/residents/{id}/"]) >= {"get", "patch"}
    assert "put" not in paths["/api/v1/residents/{id}/"]
    assert "delete" not in paths["/api/v1/residents/{id}/"]
    query = {p["name"] for p in paths[RESIDENTS]["get"]["parameters"]}
    assert {"q", "org_unit", "tag", "risk_level", "page"} <= query
    schemas = document["components"]["schemas"]
    assert "reason" in schemas["ResidentCorrectionRequest"]["required"]
    assert set(schemas["ResidentCreateRequest"]["required"]) == {"name", "org_unit"}
    assert schemas["ResidentCreateRequest"]["additionalProperties"] is False
    assert schemas["ResidentCorrectionRequest"]["additionalProperties"] is False
    assert "409" in paths[RESIDENTS]["post"]["responses"]
    listed = schemas["ResidentListItem"]["properties"]
    assert not {"id_number", "phone", "address"} & set(listed)
