"""The archive says why its risk level is what it is: what last set it, when, by whom, the reason
(ARC-3), to those who see its clinical content only."""

from __future__ import annotations

import pytest

from archives.models import RiskLevelChange
from archives.services import archive_set_responsible, risk_level_set
from archives.tests.conftest import client_for, url

pytestmark = pytest.mark.django_db


def test_the_archive_shows_what_last_set_its_risk_level_to_clinical_staff_only(people, resident):
    archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=[people.counsellor])
    risk_level_set(
        actor=None,
        archive=resident.archive,
        level="red",
        reason="Alert #9 (Red)",
        source=RiskLevelChange.Source.ALERT,
    )
    risk_level_set(actor=people.counsellor, archive=resident.archive, level="orange", reason="复评后下调")
    html = client_for(people.counsellor).get(url("detail", resident.pk)).content.decode()
    basis = html[html.index('id="risk-basis"') :]
    basis = basis[: basis.index("</dd>")]
    assert "复评后下调" in basis and people.counsellor.full_name in basis
    assert "Alert #9" not in basis  # the last decision, not the first
    page = client_for(people.worker).get(url("detail", resident.pk)).content.decode()
    assert 'id="risk-basis"' not in page and "复评后下调" not in page


def test_a_confirmed_level_is_kept_as_an_entry_and_an_unconfirmed_repeat_is_not(people, resident):
    archive = resident.archive
    risk_level_set(actor=None, archive=archive, level="red", reason="a", source="alert")
    assert risk_level_set(actor=None, archive=archive, level="red", reason="b", source="alert") is None
    kept = risk_level_set(
        actor=None, archive=archive, level="red", reason="c", source="crisis_case", confirm=True
    )
    assert (kept.from_level, kept.to_level) == ("red", "red")
    assert archive.risk_changes.count() == 2
