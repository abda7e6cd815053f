"""ASM-3 / ASM-5: a counsellor gives an instrument from the archive; results are immutable,
corrections are new versions, severe results raise signals, trends mark reliable change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archives.services import archive_set_responsible, resident_register
from assessments.models import AppendOnlyError, Assessment
from assessments.services import assessment_record
from confidentiality.models import AuditEntry, ConsentKind
from confidentiality.services import consent_record, consent_text_publish
from conftest import login_fully
from crisis.models import RiskSignal
from lib.identity import prc_id_check_character

pytestmark = pytest.mark.django_db

FIRST17 = "33010619850505123"


def phq9_post(*answers):
    data = {"instrument": "phq9"}
    data.update({f"item_{n}": str(a) for n, a in enumerate(answers, start=1) if a is not None})
    return data


@pytest.fixture
def resident(people, tree):
    resident = resident_register(
        actor=people.worker,
        name="赵六",
        org_unit=tree.grid,
        id_number=FIRST17 + prc_id_check_character(FIRST17),
    )
    archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=[people.counsellor])
    return resident


@pytest.fixture
def consented(people, resident):
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = consent_text_publish(actor=people.admin, kind=kind, version="1", title=str(kind), body="…")
        consent_record(
            actor=people.worker,
            resident=resident,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name="赵六",
            channel="paper",
        )
    return resident


def new_url(resident, **query):
    url = reverse("assessments:new", args=[resident.pk])
    return url + ("?instrument=" + query["instrument"] if query else "")


def test_the_responsible_counsellor_gives_a_phq9_and_sees_the_band(people, consented):
    client = login_fully(Client(), people.counsellor)
    form = client.get(new_url(consented, instrument="phq9"))
    assert form.status_code == 200 and "患者健康问卷" in form.content.decode()
    response = client.post(new_url(consented), phq9_post(2, 2, 2, 2, 2, 1, 1, 0, 0), follow=True)
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.band, assessment.valid) == (12, "moderate", True)
    assert "moderate" in response.content.decode() and "12" in response.content.decode()
    assert AuditEntry.objects.filter(action="assessment.recorded").exists()
    archive = client.get(reverse("archives:detail", args=[consented.pk])).content.decode()
    assert "PHQ-9" in archive and "中度抑郁" in archive


def test_a_wish_to_die_raises_a_risk_signal(people, consented):
    assessment = assessment_record(
        actor=people.counsellor,
        resident=consented,
        instrument_code="phq9",
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
    )
    signal = RiskSignal.objects.get(assessment=assessment)
    assert signal.flags == ["suicidal_ideation"]


def test_a_severe_band_raises_a_risk_signal_and_a_mild_one_does_not(people, consented):
    assessment_record(
        actor=people.counsellor, resident=consented, instrument_code="phq9", answers=[1] * 8 + [0]
    )
    assert not RiskSignal.objects.exists()
    assessment_record(
        actor=people.counsellor, resident=consented, instrument_code="phq9", answers=[3] * 8 + [0]
    )
    assert RiskSignal.objects.get().band == "severe"


def test_without_consent_nothing_is_stored_and_the_reason_is_shown(people, resident):
    client = login_fully(Client(), people.counsellor)
    page = client.get(new_url(resident, instrument="phq9")).content.decode()
    assert "知情同意" in page
    response = client.post(new_url(resident), phq9_post(*[1] * 9))
    assert response.status_code == 200
    assert not Assessment.objects.exists()
    assert "知情同意" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("colleague", 403), ("worker", 403), ("outsider", 404), ("admin", 403)]
)
def test_only_the_clinical_team_gives_assessments(people, consented, role, status):
    client = login_fully(Client(), getattr(people, role))
    assert client.post(new_url(consented), phq9_post(*[1] * 9)).status_code == status
    assert not Assessment.objects.exists()


def test_the_form_refuses_put(people, consented):
    assert login_fully(Client(), people.counsellor).put(new_url(consented)).status_code == 405


def test_the_live_preview_scores_without_storing(people, consented):
    client = login_fully(Client(), people.counsellor)
    response = client.post(reverse("assessments:preview", args=[consented.pk]), phq9_post(*[3] * 9))
    body = response.content.decode()
    assert "27" in body and "severe" in body and "suicidal_ideation" in body
    assert not Assessment.objects.exists()


def test_a_stored_result_cannot_be_changed_and_a_correction_is_a_new_version(people, consented):
    original = assessment_record(
        actor=people.counsellor, resident=consented, instrument_code="phq9", answers=[1] * 9
    )
    original.total = 0
    with pytest.raises(AppendOnlyError):
        original.save()
    client = login_fully(Client(), people.counsellor)
    data = {f"item_{n}": "0" for n in range(1, 10)} | {"reason": "录入错误"}
    response = client.post(reverse("assessments:correct", args=[original.pk]), data)
    corrected = Assessment.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302 and corrected.supersedes == original
    assert corrected.total == 0 and corrected.correction_reason == "录入错误"
    assert Assessment.objects.get(pk=original.pk).total == 9
    with pytest.raises(ValidationError):
        from assessments.services import assessment_correct

        assessment_correct(actor=people.counsellor, assessment=original, answers=[0] * 9, reason="again")


def test_a_correction_needs_a_reason(people, consented):
    original = assessment_record(
        actor=people.counsellor, resident=consented, instrument_code="phq9", answers=[1] * 9
    )
    client = login_fully(Client(), people.counsellor)
    client.post(reverse("assessments:correct", args=[original.pk]), {f"item_{n}": "0" for n in range(1, 10)})
    assert Assessment.objects.count() == 1


def test_the_detail_page_is_clinical_content(people, consented):
    assessment = assessment_record(
        actor=people.counsellor, resident=consented, instrument_code="phq9", answers=[1] * 9
    )
    url = reverse("assessments:detail", args=[assessment.pk])
    assert login_fully(Client(), people.counsellor).get(url).status_code == 200
    assert login_fully(Client(), people.colleague).get(url).status_code == 404
    assert login_fully(Client(), people.worker).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="assessment.viewed").count() == 1


def test_the_trend_marks_a_reliable_worsening(people, consented):
    for answers in ([0] * 9, [1] * 9, [3] * 8 + [0]):
        assessment_record(
            actor=people.counsellor, resident=consented, instrument_code="phq9", answers=answers
        )
    client = login_fully(Client(), people.counsellor)
    response = client.get(reverse("assessments:trend", args=[consented.pk, "phq9"]))
    points = response.context["points"]
    assert [p.total for p in points] == [0, 9, 24]
    assert points[2].reliable == "worsened"
    assert "<svg" in response.content.decode()
