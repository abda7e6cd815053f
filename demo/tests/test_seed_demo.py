"""The demo data set: created once, only in demo mode; every demo account lands on its home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from demo.seed import DEMO_PASSWORD
from orgs.models import OrgUnit, Room, ServiceSite

pytestmark = pytest.mark.django_db

DEMO_USERS = [
    # The second volunteer (a peer counsellor) of demo/volunteers.py.
    "volunteer2",
    "admin",
    "director",
    "lead",
    "counsellor",
    "counsellor2",
    "supervisor",
    "archivist",
    "finance",
    "worker",
    "volunteer",
    "teacher",
]


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", "--residents", "12")


def test_the_demo_has_the_org_tree_sites_and_one_account_per_role(demo):
    assert OrgUnit.objects.filter(kind="subdistrict").count() == 2
    assert OrgUnit.objects.filter(kind="community").count() == 4
    assert OrgUnit.objects.filter(kind="grid").count() >= 4
    assert OrgUnit.objects.filter(kind="grade").count() == 2
    assert OrgUnit.objects.filter(kind="class").count() == 4
    assert ServiceSite.objects.count() == 3 and Room.objects.count() >= 3
    assert sorted(User.objects.filter(is_demo_account=True).values_list("username", flat=True)) == sorted(
        DEMO_USERS
    )
    # Besides them, the psych committee members who write three classes' monthly reports (PRG-6).
    assert User.objects.filter(is_demo_account=False).count() == 3
    one, two = User.objects.get(username="counsellor"), User.objects.get(username="counsellor2")
    assert one.org_unit != two.org_unit
    assert {one.org_unit.kind, two.org_unit.kind} == {"community"}


def test_seeding_twice_changes_nothing(demo):
    counts = (OrgUnit.objects.count(), User.objects.count())
    call_command("seed_demo", "--if-empty")
    assert (OrgUnit.objects.count(), User.objects.count()) == counts
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_outside_demo_mode_no_demo_account_is_created(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_each_demo_account_logs_in_and_lands_on_its_home_page(demo):
    for username in DEMO_USERS:
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200, username
        assert response.redirect_chain[-1][0] == reverse("dashboard:home"), username
        assert f"home-{User.objects.get(username=username).role}" in response.content.decode()


def test_the_full_demo_has_two_hundred_varied_residents_most_with_consent(settings):
    from archives.models import Archive, Resident, ResidentTag
    from confidentiality.models import Consent

    settings.DEMO_MODE = True
    call_command("seed_demo")
    assert Resident.objects.count() == 200
    assert Resident.objects.filter(org_unit__kind="class").exists()
    assert 120 < Resident.objects.filter(consents__isnull=False).distinct().count() < 200
    assert set(Archive.objects.values_list("risk_level", flat=True)) == {"none", "yellow", "orange", "red"}
    assert ResidentTag.objects.values("tag").distinct().count() >= 6
    assert Archive.objects.filter(responsible__username="counsellor").exists()
    assert Archive.objects.filter(responsible__username="counsellor2").exists()
    # A consent given while the resident was under 14 was signed by a guardian.
    for consent in Consent.objects.select_related("resident"):
        if consent.resident.age_on(consent.signed_on) < 14:
            assert consent.signer == "guardian"


def test_the_full_demo_has_a_working_service_diary(settings):
    from django.utils import timezone

    from crisis.models import RiskSignal
    from orgs.models import DutyShift
    from workflow.models import (
        Appointment,
        Case,
        FollowUpTask,
        HotlineEntry,
        PrivateNote,
        Referral,
        SatisfactionSurvey,
        ServicePlan,
        SessionRecord,
    )

    settings.DEMO_MODE = True
    call_command("seed_demo")
    today = timezone.localdate()
    counsellor = User.objects.get(username="counsellor")
    assert counsellor.supervisor == User.objects.get(username="supervisor")
    # The seeds' duty pattern: Monday to Thursday, 13:30–15:30.
    assert set(DutyShift.objects.filter(counsellor=counsellor).values_list("weekday", flat=True)) == {
        0,
        1,
        2,
        3,
    }
    week = Appointment.objects.filter(starts_at__date__gte=today - timedelta(days=7))
    assert {"confirmed", "completed", "requested"} <= set(week.values_list("status", flat=True))
    assert Case.objects.filter(status="open").count() >= 3
    assert set(Case.objects.filter(status="closed").values_list("outcome", flat=True)) >= {
        "resolved",
        "improved",
    }
    assert SessionRecord.objects.count() >= 8 and PrivateNote.objects.exists()
    assert SessionRecord.objects.filter(modality="home_visit").exists()
    # The elderly client's next home visit: confirmed, two staff, no room, travel around it.
    visit = Appointment.objects.get(service="home_visit", starts_at__date__gt=today)
    assert visit.status == "confirmed" and visit.room is None and visit.address
    assert visit.companion is not None and visit.companion != visit.counsellor
    assert visit.travel_before_minutes == visit.travel_after_minutes == 30
    assert ServicePlan.objects.filter(version=2).exists()
    assert FollowUpTask.objects.filter(status="open", due_on__lt=today).exists()
    assert Referral.objects.filter(receipt_confirmed_at__isnull=True).exists()
    assert HotlineEntry.objects.count() >= 4
    assert RiskSignal.objects.filter(source="hotline").exists()
    assert SatisfactionSurvey.objects.filter(rating__isnull=False).count() >= 2


def test_the_full_demo_has_a_red_alert_waiting_and_a_yellow_one_under_intervention(settings):
    from crisis.models import Alert

    settings.DEMO_MODE = True
    call_command("seed_demo")
    assert Alert.objects.filter(level="red", state="new", source="counsellor").exists()
    assert Alert.objects.filter(level="yellow", state="intervening", source="concern").exists()
    from crisis.models import CrisisCase

    closed = CrisisCase.objects.get(status="closed")
    assert closed.outcome == "stabilised" and closed.safety_plans.exists() and closed.reviewed_by
    assert closed.actions.filter(kind="guardian", disclosure__basis="danger").exists()
    from crisis.models import WatchReview

    review = WatchReview.objects.get(entry__resident=closed.resident)
    assert "回访" in review.note and review.next_review_on > review.was_due


def test_demo_accounts_lose_their_two_factor_exemption_outside_demo_mode(demo, settings):
    settings.DEMO_MODE = False
    client = Client()
    client.post(reverse("accounts:login"), {"username": "counsellor", "password": DEMO_PASSWORD})
    assert client.get(reverse("dashboard:home")).url == reverse("accounts:two_factor_setup")


def test_the_demo_has_three_published_articles_one_on_crisis_and_a_newsletter(demo, client):
    from articles.models import Article, Newsletter
    from articles.selectors import visible_articles

    visible = list(visible_articles())
    assert len(visible) == 3
    crisis = [a for a in visible if a.on_crisis]
    assert len(crisis) == 1 and crisis[0].checklist_version
    assert Article.objects.filter(status=Article.Status.IN_REVIEW).count() == 1
    assert Newsletter.objects.get().items.count() == 3
    page = client.get(reverse("portal:article", args=[crisis[0].pk]))
    assert 'id="hotline-box"' in page.content.decode() and "0571-8800 1234" in page.content.decode()


def test_the_full_demo_has_a_finished_group_with_the_reference_outcome_and_a_running_one(settings):
    from groupcounselling.models import GroupProgramme
    from groupcounselling.selectors import programme_outcome

    settings.DEMO_MODE = True
    call_command("seed_demo")
    finished = GroupProgramme.objects.get(status="finished")
    report = programme_outcome(finished, "phq9").enrolled
    assert report.n_paired == 10
    assert (round(report.mean_change, 3), round(report.sd_change, 3), round(report.r, 3)) == (
        3.3,
        2.359,
        0.629,
    )
    assert (round(report.d_z, 3), round(report.g_z, 3), round(report.t, 3)) == (1.399, 1.279, 4.423)
    assert (round(report.p_t, 4), round(report.p_wilcoxon, 4)) == (0.0017, 0.0020)
    assert GroupProgramme.objects.filter(status="running").exists()


def test_the_demo_has_a_month_of_class_reports_some_late_one_zero_one_urgent(demo):
    from monthlyreports.models import ConcernRow, MonthlyReport

    reports = MonthlyReport.objects.all()
    assert reports.count() == 4 and len({r.period for r in reports}) == 1
    assert reports.filter(on_time=False).count() == 1
    assert reports.filter(is_zero=True).count() == 1
    assert reports.filter(state="approved").count() == 1
    urgent = ConcernRow.objects.get(urgency="urgent")
    assert urgent.signal is not None
