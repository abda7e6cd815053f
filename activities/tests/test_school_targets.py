"""A school's yearly parent-school target is edited on its own page by those who run that
school's parent school (PRG-7); the defaults are 4 sessions, 8 hours, 90 % and 90 %."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import SchoolTarget
from activities.services import school_target_save
from confidentiality.models import AuditEntry
from orgs.models import UnitKind
from orgs.services import org_unit_create

GOOD = {"sessions": "6", "hours": "12.5", "attendance_percent": "80", "satisfaction_percent": "85"}


def url(school):
    return reverse("activities:school_target", args=[school.pk])


def test_the_page_shows_the_defaults_until_a_target_is_saved(as_user, people, tree):
    page = as_user(people.lead).get(url(tree.school))
    assert page.status_code == 200
    form = page.context["form"]
    assert (form["sessions"].value(), form["hours"].value()) == (4, Decimal("8"))
    assert (form["attendance_percent"].value(), form["satisfaction_percent"].value()) == (90, 90)
    assert "家长学校" in page.content.decode()


def test_saving_the_target_changes_it_and_is_audited(as_user, people, tree):
    response = as_user(people.lead).post(url(tree.school), GOOD)
    assert response.status_code == 302
    target = SchoolTarget.objects.get(school=tree.school)
    assert (target.sessions, target.hours, target.attendance_percent, target.satisfaction_percent) == (
        6,
        Decimal("12.5"),
        80,
        85,
    )
    assert AuditEntry.objects.filter(action="school_target.saved", actor=people.lead).exists()
    listing = as_user(people.lead).get(reverse("activities:families")).content.decode()
    assert url(tree.school) in listing and "12.5" in listing


def test_bad_numbers_are_refused_in_chinese_and_nothing_is_saved(as_user, people, tree):
    response = as_user(people.lead).post(url(tree.school), {**GOOD, "attendance_percent": "120"})
    assert response.status_code == 400
    assert "不大于 100" in response.content.decode()
    assert not SchoolTarget.objects.exists()
    with pytest.raises(ValidationError, match="1 到 50"):
        school_target_save(
            actor=people.lead,
            school=tree.school,
            sessions=0,
            hours=Decimal("8"),
            attendance_percent=90,
            satisfaction_percent=90,
        )
    assert not SchoolTarget.objects.exists()


def test_someone_outside_the_school_gets_404_and_writes_nothing(as_user, people, tree):
    client = as_user(people.outsider)
    assert client.get(url(tree.school)).status_code == 404
    assert client.post(url(tree.school), GOOD).status_code == 404
    assert as_user(people.worker).post(url(tree.school), GOOD).status_code == 404
    assert not SchoolTarget.objects.exists()
    with pytest.raises(PermissionDenied):
        school_target_save(
            actor=people.outsider,
            school=tree.school,
            sessions=5,
            hours=Decimal("8"),
            attendance_percent=90,
            satisfaction_percent=90,
        )
    assert not SchoolTarget.objects.exists()


def test_a_unit_that_is_no_school_has_no_target_page(as_user, people, tree):
    assert as_user(people.lead).get(url(tree.willow)).status_code == 404


def test_the_page_refuses_other_methods(as_user, people, tree):
    assert as_user(people.lead).put(url(tree.school)).status_code == 405
    assert not SchoolTarget.objects.exists()


def test_the_schools_targets_on_the_families_page_cost_no_more_queries_with_more_schools(
    as_user, people, tree
):
    client = as_user(people.lead)
    page = reverse("activities:families")
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    for i in range(5):
        school = org_unit_create(actor=None, name=f"第{i}小学", kind=UnitKind.SCHOOL, parent=tree.district)
        school_target_save(
            actor=people.lead,
            school=school,
            sessions=4,
            hours=Decimal("8"),
            attendance_percent=90,
            satisfaction_percent=90,
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get(page).content.decode()
    assert "第4小学" in body
    assert len(many) <= len(few) + 1
