"""Completeness per unit and month (PRG-6): expected, submitted, on time and the two rates, from
ONE selector read by the page and the API alike."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from rest_framework.test import APIClient

from conftest import login_fully
from monthlyreports.models import MonthlyReport, ReportingAssignment
from monthlyreports.selectors import completeness
from orgs.models import UnitKind
from orgs.services import org_unit_create

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def thirty_classes(people, tree, homeroom):
    """30 classes: 27 submitted (3 of them late), 2 not started, 1 still a draft; and one class
    off in November, which is not expected."""
    assignments = []
    for n in range(31):
        unit = org_unit_create(actor=None, name=f"七年级{n + 2}班", kind=UnitKind.CLASS, parent=tree.grade)
        assignments.append(
            ReportingAssignment.objects.create(
                org_unit=unit,
                reporter=people.teacher,
                first_approver=homeroom,
                second_approver=people.counsellor,
                months_off=",11," if n == 30 else ",2,8,",
            )
        )
    for n, assignment in enumerate(assignments[:28]):
        submitted = n < 27
        MonthlyReport.objects.create(
            assignment=assignment,
            org_unit=assignment.org_unit,
            period=NOVEMBER,
            form_code="psych_monthly",
            form_version="1",
            state="submitted" if submitted else "draft",
            created_by=people.teacher,
            first_submitted_at=datetime(2026, 11, 30, 9, tzinfo=SHANGHAI) if submitted else None,
            on_time=(n >= 3) if submitted else None,
        )
    return assignments


def test_thirty_classes_twenty_seven_submitted_three_late_are_90_and_80_percent(tree, thirty_classes):
    figures = completeness(unit=tree.school, period="2026-11", with_missing=True)
    assert (figures.expected, figures.submitted, figures.on_time, figures.late) == (30, 27, 24, 3)
    assert (figures.reporting_rate, figures.on_time_rate) == (90.0, 80.0)
    assert [a.started for a in figures.missing] == [True, False, False]


def test_the_figures_cost_one_query(tree, thirty_classes, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        completeness(unit=tree.school, period="2026-11")


def test_the_page_shows_the_rates_and_who_is_missing(client, people, tree, thirty_classes):
    login_fully(client, people.director)
    response = client.get(
        "/staff/monthly-reports/completeness/", {"unit": tree.school.pk, "period": "2026-11"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-figure="reporting_rate">90.0%' in text and 'data-figure="on_time_rate">80.0%' in text
    assert "七年级30班" in text and "七年级2班" not in text.split('id="missing"')[1]


def test_the_page_refuses_a_bad_month_in_words(client, people, tree, thirty_classes):
    login_fully(client, people.director)
    response = client.get(
        "/staff/monthly-reports/completeness/", {"unit": tree.school.pk, "period": "2026-13"}
    )
    assert response.status_code == 400
    assert "2026-11" in response.content.decode()


def test_the_page_is_forbidden_to_a_reporter_and_takes_only_get(client, people, tree):
    login_fully(client, people.teacher)
    assert client.get("/staff/monthly-reports/completeness/").status_code == 403
    login_fully(client, people.director)
    assert client.post("/staff/monthly-reports/completeness/").status_code == 405


def test_the_api_gives_the_same_figures(people, tree, thirty_classes):
    api = APIClient()
    api.force_authenticate(user=people.director)
    response = api.get("/api/v1/monthly-reports/completeness/", {"period": "2026-11", "unit": tree.school.pk})
    assert response.status_code == 200
    body = response.json()
    assert (body["expected"], body["submitted"], body["on_time"]) == (30, 27, 24)
    assert (body["reporting_rate"], body["on_time_rate"]) == (90.0, 80.0)


def test_the_api_hides_a_unit_out_of_scope_and_refuses_a_bad_month(people, tree, thirty_classes):
    api = APIClient()
    api.force_authenticate(user=people.counsellor)  # 柳岸社区: the school is not in scope
    assert (
        api.get(
            "/api/v1/monthly-reports/completeness/", {"period": "2026-11", "unit": tree.school.pk}
        ).status_code
        == 404
    )
    api.force_authenticate(user=people.director)
    response = api.get("/api/v1/monthly-reports/completeness/", {"period": "11-2026", "unit": tree.school.pk})
    assert response.status_code == 400
    api.force_authenticate(user=people.teacher)
    assert (
        api.get(
            "/api/v1/monthly-reports/completeness/", {"period": "2026-11", "unit": tree.school.pk}
        ).status_code
        == 403
    )
