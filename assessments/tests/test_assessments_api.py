"""API for instruments and assessments: the same policy and service as the screens."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from archives.services import archive_set_responsible, resident_register
from assessments.models import Assessment
from confidentiality.models import ConsentKind
from confidentiality.services import consent_record, consent_text_publish
from crisis.models import RiskSignal

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def resident(people, tree):
    resident = resident_register(actor=people.worker, name="钱七", org_unit=tree.grid)
    archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=[people.counsellor])
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = consent_text_publish(actor=people.admin, kind=kind, version="1", title=str(kind), body="…")
        consent_record(
            actor=people.worker,
            resident=resident,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name="钱七",
            channel="paper",
        )
    return resident


def test_the_library_lists_the_instruments_and_one_with_its_items(people):
    listed = api(people.worker).get("/api/v1/instruments/")
    assert listed.status_code == 200 and "phq9" in {row["code"] for row in listed.json()}
    detail = api(people.worker).get("/api/v1/instruments/phq9/")
    assert len(detail.json()["items"]) == 9
    assert api(people.worker).get("/api/v1/instruments/nope/").status_code == 404


def test_the_responsible_counsellor_records_and_lists_an_assessment(people, resident):
    body = {"resident": resident.pk, "instrument": "phq9", "answers": [3, 3, 3, 3, 3, 3, 2, 2, 1]}
    created = api(people.counsellor).post("/api/v1/assessments/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["band"] == "severe" and "suicidal_ideation" in created.json()["flags"]
    assert RiskSignal.objects.filter(assessment_id=created.json()["id"]).exists()
    listed = api(people.counsellor).get(f"/api/v1/assessments/?resident={resident.pk}")
    assert [row["id"] for row in listed.json()["results"]] == [created.json()["id"]]


def test_wrong_answers_are_a_400_and_nothing_is_stored(people, resident):
    body = {"resident": resident.pk, "instrument": "phq9", "answers": [9] * 9}
    assert api(people.counsellor).post("/api/v1/assessments/", body, format="json").status_code == 400
    body = {"resident": resident.pk, "instrument": "phq9", "answers": [1] * 3}
    assert api(people.counsellor).post("/api/v1/assessments/", body, format="json").status_code == 400
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("colleague", 403), ("outsider", 404), ("worker", 403)])
def test_outside_the_team_assessments_cannot_be_written_or_read(people, resident, role, status):
    body = {"resident": resident.pk, "instrument": "phq9", "answers": [1] * 9}
    assert api(getattr(people, role)).post("/api/v1/assessments/", body, format="json").status_code == status
    assert not Assessment.objects.exists()
    api(people.counsellor).post("/api/v1/assessments/", body, format="json")
    listed = api(getattr(people, role)).get(f"/api/v1/assessments/?resident={resident.pk}")
    assert listed.status_code == 404 or listed.json()["results"] == []
