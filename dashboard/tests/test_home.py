"""RPT-1: each role's home page and the navigation that follows the role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_fully

pytestmark = pytest.mark.django_db


def test_the_navigation_follows_the_role(people):
    admin_nav = login_fully(Client(), people.admin).get(reverse("dashboard:home")).context["nav_items"]
    worker_nav = login_fully(Client(), people.worker).get(reverse("dashboard:home")).context["nav_items"]
    admin_urls = {item["url"] for item in admin_nav}
    worker_urls = {item["url"] for item in worker_nav}
    assert reverse("accounts:user_list") in admin_urls and reverse("accounts:user_list") not in worker_urls
    assert reverse("confidentiality:audit_log") not in worker_urls


@pytest.mark.parametrize(
    "role", ["admin", "director", "counsellor", "worker", "teacher", "finance", "volunteer"]
)
def test_each_role_lands_on_a_home_page_of_its_own(people, role, django_assert_max_num_queries):
    client = login_fully(Client(), getattr(people, role))
    # Fixed per role, whatever the amount of data: each card costs a count or one bounded list
    # (the articles card is one aggregate; the group leaders' card one list of at most five groups;
    # the organisers' activities card its counts in one query and its bounded list; the
    # coordinators' volunteer-visits tile one query; the monthly reports card what waits for a
    # decision and what is still to write; the supervision card one count of overdue
    # recommendations; the work-plan card one bounded list of items; the calendar banner one query).
    with django_assert_max_num_queries(41):
        response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"home-{getattr(people, role).role}" in body
    assert getattr(people, role).get_role_display() in body


def test_the_administrator_home_counts_accounts_and_the_worker_home_does_not(people):
    admin_home = login_fully(Client(), people.admin).get(reverse("dashboard:home"))
    worker_home = login_fully(Client(), people.worker).get(reverse("dashboard:home"))
    assert admin_home.context["staff_counts"]["active"] >= 10
    assert "staff_counts" not in worker_home.context


def test_the_clinical_home_counts_risk_signals_of_the_caseload_only(people, tree):
    from archives.services import archive_set_responsible, resident_register
    from assessments.models import Assessment
    from crisis.models import RiskSignal

    resident = resident_register(actor=people.worker, name="周九", org_unit=tree.grid)
    archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=[people.counsellor])
    assessment = Assessment(
        resident=resident,
        instrument_code="phq9",
        instrument_version="1",
        answers="[]",
        valid=False,
        administered_at=timezone.now(),
    )
    assessment.save()
    RiskSignal.objects.create(
        resident=resident, source="assessment", assessment=assessment, flags=["suicidal_ideation"]
    )
    assert (
        login_fully(Client(), people.counsellor).get(reverse("dashboard:home")).context["open_signals"] == 1
    )
    assert login_fully(Client(), people.colleague).get(reverse("dashboard:home")).context["open_signals"] == 0
    assert "open_signals" not in login_fully(Client(), people.worker).get(reverse("dashboard:home")).context


def test_the_directors_recent_refused_access_names_the_object_type_in_words(people):
    from confidentiality.services import audit_record

    for object_type in ("crisis.alert", "workflow.case", "crisis.crisischeck", "gone.model"):
        audit_record(actor=people.outsider, action="access.refused", object_type=object_type, object_id=7)
    client = login_fully(Client(), people.director)
    html = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    section = html[html.index("近期被拒绝的访问") :]
    section = section[: section.index("</ul>")]
    assert "危机预警 #7" in section and "个案 #7" in section and "危机回访 #7" in section
    assert "crisis.alert" not in section and "workflow.case" not in section
    # A type no longer installed keeps the name it was stored under.
    assert "gone.model #7" in section
