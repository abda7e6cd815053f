"""The list pages of the monthly reports cost the same number of queries with 3 rows as with 9:
who reports (assignments), who has not submitted (completeness), and the people flagged three
months running (reviews)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archives.services import resident_register
from conftest import login_fully
from monthlyreports.models import ConcernReview, ReportingAssignment
from orgs.models import UnitKind
from orgs.services import org_unit_create

pytestmark = pytest.mark.django_db


def _queries(client, path, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(captured)


def _classes(people, tree, homeroom, start, count):
    for n in range(start, start + count):
        unit = org_unit_create(actor=None, name=f"七年级{n + 2}班", kind=UnitKind.CLASS, parent=tree.grade)
        ReportingAssignment.objects.create(
            org_unit=unit, reporter=people.teacher, first_approver=homeroom, second_approver=people.counsellor
        )


def _reviews(people, tree, start, count):
    for n in range(start, start + count):
        resident = resident_register(actor=people.teacher, name=f"学生{n}", org_unit=tree.klass)
        ConcernReview.objects.create(
            resident=resident, org_unit=tree.klass, period=date(2026, 11, 1), counsellor=people.counsellor
        )


def test_the_assignments_page_costs_the_same_with_more_rows(client, people, tree, homeroom):
    login_fully(client, people.director)
    _classes(people, tree, homeroom, 0, 3)
    few = _queries(client, reverse("monthlyreports:assignments"))
    _classes(people, tree, homeroom, 3, 6)
    assert _queries(client, reverse("monthlyreports:assignments")) == few


def test_the_completeness_page_costs_the_same_with_more_missing(client, people, tree, homeroom):
    login_fully(client, people.director)
    params = {"unit": tree.school.pk, "period": "2026-11"}
    _classes(people, tree, homeroom, 0, 3)
    few = _queries(client, reverse("monthlyreports:completeness"), params)
    _classes(people, tree, homeroom, 3, 6)
    assert _queries(client, reverse("monthlyreports:completeness"), params) == few


def test_the_reviews_page_costs_the_same_with_more_people(client, people, tree):
    login_fully(client, people.counsellor)
    _reviews(people, tree, 0, 3)
    few = _queries(client, reverse("monthlyreports:review_list"))
    _reviews(people, tree, 3, 6)
    assert _queries(client, reverse("monthlyreports:review_list")) == few
