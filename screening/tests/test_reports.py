"""SCR-3: campaign report by band, unit and group; positives become follow-up tasks; exports;
small cells suppressed for teachers, who see their own class only."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from archives.services import resident_register
from conftest import login_fully
from lib.identity import prc_id_check_character
from screening.reports import followups_create_for_positives
from screening.services import SelfTestConsent, campaign_create, campaign_set_status, selftest_submit
from workflow.models import FollowUpTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def screened(people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="普查",
        instruments=["phq2"],
        target_units=[tree.school],
        target_tags=[],
        starts_on=today,
        ends_on=today + timedelta(days=5),
        identification="id_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    for n in range(7):
        first17 = f"3301062010010{n + 1}12{n}"
        resident = resident_register(
            actor=people.teacher,
            name=f"学生{n}",
            org_unit=tree.klass,
            id_number=first17 + prc_id_check_character(first17),
            guardian_name="家长",
            guardian_relation="母亲",
            guardian_phone="13900001111",
            tags=["student"],
        )
        answers = {"phq2": [2, 2], "phq9": [2, 2, 2, 2, 2, 2, 2, 2, 0]} if n < 2 else {"phq2": [0, 1]}
        selftest_submit(
            campaign=campaign,
            resident=resident,
            answers=answers,
            idempotency_key=f"key-{n}",
            consent=SelfTestConsent.now(agreed=True),
        )
    return campaign


def report_url(campaign, **query):
    url = reverse("screening:campaign_report", args=[campaign.pk])
    return url + ("?format=" + query["format"] if query else "")


def test_the_director_sees_the_distribution_and_the_positives(people, screened):
    response = login_fully(Client(), people.director).get(report_url(screened))
    assert response.status_code == 200
    phq2 = next(block for block in response.context["distribution"] if block["name"] == "PHQ-2")
    assert {t["band"]: t["n"] for t in phq2["totals"]} == {"negative": 5, "positive": 2}
    assert {a.resident.name for a in response.context["positives"]} == {"学生0", "学生1"}
    # People read names, not codes: the band, the flag and the special group in Chinese.
    html = response.content.decode()
    assert "中重度抑郁" in html
    assert ">moderately_severe<" not in html and ">phq9<" not in html
    assert [tag for tag, _counts in phq2["tags"]] == ["学生"]


def test_a_teacher_sees_small_cells_suppressed_and_no_names(people, screened):
    response = login_fully(Client(), people.teacher).get(report_url(screened))
    assert response.status_code == 200
    phq2 = next(block for block in response.context["distribution"] if block["name"] == "PHQ-2")
    assert {t["band"]: t["n"] for t in phq2["totals"]} == {"negative": 5, "positive": "<5"}
    # A suppressed cell draws no bar: its width would give the count away.
    assert {t["band"]: t["percent"] for t in phq2["totals"]}["positive"] == 0
    assert response.context["positives"] is None
    assert "学生0" not in response.content.decode()


@pytest.mark.parametrize("role", ["finance", "volunteer"])
def test_other_roles_get_no_report(people, screened, role):
    assert login_fully(Client(), getattr(people, role)).get(report_url(screened)).status_code == 403


def test_a_worker_of_another_place_does_not_find_the_schools_report(people, screened):
    assert login_fully(Client(), people.worker).get(report_url(screened)).status_code == 404


def test_follow_up_tasks_are_created_once_per_positive_person(people, screened):
    assert followups_create_for_positives(actor=people.director, campaign=screened) == 2
    assert followups_create_for_positives(actor=people.director, campaign=screened) == 0
    tasks = FollowUpTask.objects.all()
    assert tasks.count() == 2 and all(task.source == "screening" for task in tasks)


def test_the_follow_up_button_refuses_get_and_non_managers(people, screened):
    url = reverse("screening:campaign_followups", args=[screened.pk])
    assert login_fully(Client(), people.director).get(url).status_code == 405
    assert login_fully(Client(), people.teacher).post(url).status_code == 403
    assert not FollowUpTask.objects.exists()


def test_the_report_exports_as_xlsx_and_pdf(people, screened):
    from openpyxl import load_workbook

    client = login_fully(Client(), people.director)
    xlsx = client.get(report_url(screened, format="xlsx"))
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert "PHQ-2" in workbook.sheetnames
    positives = [row for row in workbook[workbook.sheetnames[-1]].iter_rows(values_only=True)]
    assert positives[1][2] in ("PHQ-2", "PHQ-9") and "moderately_severe" not in {row[4] for row in positives}
    pdf = client.get(report_url(screened, format="pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "普查" in text


def test_a_project_lead_who_runs_campaigns_sees_the_distribution_but_no_names(people, screened):
    client = login_fully(Client(), people.lead)
    response = client.get(report_url(screened))
    assert response.status_code == 200
    assert response.context["positives"] is None and "学生0" not in response.content.decode()
    followups = client.post(reverse("screening:campaign_followups", args=[screened.pk]))
    assert followups.status_code == 403 and not FollowUpTask.objects.exists()


def test_reading_the_named_positives_is_audited_by_id(people, screened):
    from confidentiality.models import AuditEntry

    response = login_fully(Client(), people.director).get(report_url(screened))
    entry = AuditEntry.objects.get(action="list.viewed", object_type="assessments.assessment")
    assert entry.actor == people.director and entry.details["page"] == "campaign_report"
    assert sorted(entry.details["ids"]) == sorted(str(a.pk) for a in response.context["positives"])
