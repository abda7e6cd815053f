"""After a case is transferred, its work waiting is counted for the new holder only: the home
tiles and the navigation read the same selectors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.services import archive_set_responsible
from dashboard.navigation import Navigation
from dashboard.selectors import home_for
from workflow.models import Institution, Referral
from workflow.services.cases import case_transfer

pytest_plugins = ["workflow.tests.case_fixtures"]
pytestmark = pytest.mark.django_db


def test_a_transferred_referral_and_case_count_for_the_new_holder_only(people, clients, case):
    # The previous counsellor stays on the archive's team (responsible for it), so still sees it.
    archive_set_responsible(actor=people.archivist, archive=clients.zhang.archive, staff=[people.counsellor])
    institution = Institution.objects.create(name="市精神卫生中心", kind="psychiatric")
    Referral.objects.create(
        case=case,
        institution=institution,
        reason="需要药物评估",
        urgency="routine",
        referred_at=timezone.now() - timedelta(days=60),
        referred_by=people.counsellor,
    )
    assert home_for(people.counsellor)["referrals_awaiting_receipt"] == 1
    case_transfer(actor=people.counsellor, case=case, to_counsellor=people.colleague, reason="工作调整")
    before, after = home_for(people.counsellor), home_for(people.colleague)
    assert (before["referrals_awaiting_receipt"], before["my_open_cases"]) == (0, 0)
    assert (after["referrals_awaiting_receipt"], after["my_open_cases"]) == (1, 1)
    referrals = "workflow:referral_list"
    path = reverse("dashboard:home")
    assert Navigation(people.counsellor, path).counts().get(referrals, 0) == 0
    assert Navigation(people.colleague, path).counts().get(referrals, 0) == 1
