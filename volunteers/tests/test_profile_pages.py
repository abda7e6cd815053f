"""The coordinator's profile edit page, the volunteer's own read-only profile, the confidentiality
agreement on the profile (its own consent text kind, who recorded it, required to be active) and
the volunteer settings read from xinqiao/settings.py."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from archives.services import resident_register
from confidentiality.forms import ConsentForm
from confidentiality.models import ConsentKind
from confidentiality.services import consent_record, consent_text_publish
from conftest import make_user
from volunteers import conf, services
from volunteers.models import VolunteerProfile
from volunteers.tests.conftest import active_assignment, active_profile, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(people, tree, agreement):
    user = make_user("volunteer_new", "volunteer", tree.willow)
    return services.volunteer_profile_create(
        actor=people.counsellor, user=user, coordinator=people.counsellor
    )


def edit_url(profile):
    return reverse("volunteers:profile_edit", args=[profile.pk])


FORM = {"kind": "peer_counsellor", "skills": "倾听、手语", "dialects": "粤语", "availability": "周末上午"}


# ---------------------------------------------------------------------------------------------
# The coordinator's edit page


def test_the_coordinator_edits_the_profile_and_sees_the_status_buttons(applicant, people, as_user):
    client = as_user(people.counsellor)
    page = client.get(edit_url(applicant))
    assert page.status_code == 200
    assert 'id="status-actions"' in page.content.decode()
    response = client.post(edit_url(applicant), {**FORM, "coordinator": people.colleague.pk})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert (applicant.kind, applicant.skills, applicant.dialects, applicant.availability) == (
        "peer_counsellor",
        "倾听、手语",
        "粤语",
        "周末上午",
    )
    assert applicant.coordinator == people.colleague


def test_a_coordinator_who_is_no_coordinator_is_refused_on_the_form(applicant, people, as_user):
    response = as_user(people.counsellor).post(
        edit_url(applicant), {**FORM, "coordinator": people.finance.pk}
    )
    assert response.status_code == 400
    applicant.refresh_from_db()
    assert applicant.kind == "volunteer" and applicant.coordinator == people.counsellor


def test_the_edit_page_is_forbidden_to_the_volunteer_and_404_out_of_scope_with_nothing_written(
    applicant, people, tree, as_user
):
    assert as_user(people.volunteer).get(edit_url(applicant)).status_code == 403
    stranger = make_user("counsellor_far", "counsellor", tree.pine)
    client = as_user(stranger)
    assert client.get(edit_url(applicant)).status_code == 404
    assert client.post(edit_url(applicant), {**FORM, "coordinator": stranger.pk}).status_code == 404
    applicant.refresh_from_db()
    assert applicant.skills == "" and applicant.coordinator == people.counsellor


def test_the_edit_page_takes_only_get_and_post(applicant, people, as_user):
    assert as_user(people.counsellor).put(edit_url(applicant)).status_code == 405


def test_an_exited_profile_is_not_offered_for_editing(applicant, people, as_user):
    services.volunteer_transition(actor=people.counsellor, profile=applicant, action="exit")
    client = as_user(people.counsellor)
    assert client.get(edit_url(applicant)).status_code == 302
    client.post(edit_url(applicant), {**FORM, "coordinator": people.counsellor.pk})
    applicant.refresh_from_db()
    assert applicant.skills == ""
    assert (
        "编辑档案"
        not in client.get(reverse("volunteers:profile_detail", args=[applicant.pk])).content.decode()
    )


# ---------------------------------------------------------------------------------------------
# The volunteer's own profile


def test_the_volunteer_sees_their_own_profile_read_only(world, people, as_user):
    page = as_user(people.volunteer).get(reverse("volunteers:my_profile"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "我的志愿者档案" in text and "志愿者保密协议" in text
    assert "<form" not in text.split('id="my-profile"')[1].split("</section>")[0]
    assert edit_url(world.profile) not in text


def test_my_profile_is_forbidden_to_staff_404_without_a_profile_and_takes_only_get(
    world, people, tree, as_user
):
    assert as_user(people.counsellor).get(reverse("volunteers:my_profile")).status_code == 403
    newcomer = make_user("volunteer_none", "volunteer", tree.willow)
    assert as_user(newcomer).get(reverse("volunteers:my_profile")).status_code == 404
    assert as_user(people.volunteer).post(reverse("volunteers:my_profile")).status_code == 405


def test_the_profile_list_costs_the_same_queries_for_one_profile_or_many(applicant, people, tree, as_user):
    client = as_user(people.counsellor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("volunteers:profile_list")).status_code == 200
    for n in range(4):
        user = make_user(f"volunteer_more{n}", "volunteer", tree.willow)
        services.volunteer_profile_create(actor=people.counsellor, user=user, coordinator=people.counsellor)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("volunteers:profile_list")).status_code == 200
    assert len(many) == len(one)


# ---------------------------------------------------------------------------------------------
# The confidentiality agreement


def _trained(people, profile):
    services.volunteer_training_record(
        actor=people.counsellor,
        profile=profile,
        course="岗前培训",
        completed_on=timezone.localdate() - timedelta(days=3),
        hours=Decimal("4"),
    )
    return services.volunteer_transition(actor=people.counsellor, profile=profile, action="train")


def test_a_volunteer_cannot_be_active_without_the_agreement(applicant, people, as_user):
    _trained(people, applicant)
    with pytest.raises(ValidationError) as refused:
        services.volunteer_transition(actor=people.counsellor, profile=applicant, action="activate")
    assert "保密协议" in refused.value.messages[0]
    response = as_user(people.counsellor).post(
        reverse("volunteers:profile_status", args=[applicant.pk]), {"action": "activate"}, follow=True
    )
    assert "签署保密协议后才能成为在岗志愿者" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == VolunteerProfile.Status.TRAINED


def test_the_signature_records_the_text_version_the_day_and_who_recorded_it(applicant, people, as_user):
    day = timezone.localdate() - timedelta(days=2)
    services.volunteer_agreement_sign(actor=people.counsellor, profile=applicant, signed_on=day)
    applicant.refresh_from_db()
    assert applicant.agreement_text.kind == ConsentKind.VOLUNTEER and applicant.agreement_text.version == "1"
    assert applicant.agreement_signed_on == day and applicant.agreement_recorded_by == people.counsellor
    page = as_user(people.counsellor).get(reverse("volunteers:profile_detail", args=[applicant.pk]))
    assert "登记人：counsellor_t 测试" in page.content.decode()
    with pytest.raises(ValidationError):
        services.volunteer_agreement_sign(actor=people.counsellor, profile=applicant, signed_on=day)


def test_a_newer_agreement_version_is_offered_for_signing_again(applicant, people, as_user):
    services.volunteer_agreement_sign(
        actor=people.counsellor, profile=applicant, signed_on=timezone.localdate()
    )
    consent_text_publish(
        actor=people.admin, kind=ConsentKind.VOLUNTEER, version="2", title="志愿者保密协议", body="新版"
    )
    page = as_user(people.counsellor).get(reverse("volunteers:profile_detail", args=[applicant.pk]))
    assert "已发布新版本" in page.content.decode() and 'id="agreement"' in page.content.decode()
    services.volunteer_agreement_sign(
        actor=people.counsellor, profile=applicant, signed_on=timezone.localdate()
    )
    applicant.refresh_from_db()
    assert applicant.agreement_text.version == "2"


def test_the_volunteer_agreement_text_is_no_residents_consent(applicant, people, tree, agreement):
    resident = resident_register(actor=people.counsellor, name="赵六", org_unit=tree.willow)
    assert agreement not in ConsentForm().fields["text"].queryset
    with pytest.raises(ValidationError):
        consent_record(
            actor=people.counsellor,
            resident=resident,
            text=agreement,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name="赵六",
            channel="paper",
        )
    assert not resident.consents.exists()


def test_without_a_published_agreement_the_signature_is_refused_clearly(people, tree):
    user = make_user("volunteer_new2", "volunteer", tree.willow)
    profile = services.volunteer_profile_create(
        actor=people.counsellor, user=user, coordinator=people.counsellor
    )
    with pytest.raises(ValidationError) as refused:
        services.volunteer_agreement_sign(
            actor=people.counsellor, profile=profile, signed_on=timezone.localdate()
        )
    assert "保密协议" in refused.value.messages[0]


# ---------------------------------------------------------------------------------------------
# Settings


def test_the_settings_hold_the_volunteer_defaults():
    assert conf.max_active_assignments() == 5
    assert conf.star_thresholds() == (100, 300, 600, 1000, 1500)
    assert (conf.try_again_days(), conf.coordinator_after_days(), conf.coordinator_away_days()) == (3, 7, 14)
    assert conf.star_listing_working_days() == 5


@override_settings(XINQIAO_VOLUNTEER_MAX_ASSIGNMENTS=0, XINQIAO_VOLUNTEER_STAR_HOURS=["x"])
def test_a_setting_out_of_range_falls_back_to_its_default():
    assert conf.max_active_assignments() == 5
    assert conf.star_thresholds() == (100, 300, 600, 1000, 1500)


@override_settings(XINQIAO_VOLUNTEER_MAX_ASSIGNMENTS=1, XINQIAO_VOLUNTEER_STAR_HOURS=[10, 20])
def test_the_maximum_and_the_star_levels_follow_the_settings(world, people, tree):
    second = register(people, tree, name="王爷爷", first17="11010119400101123", phone="13800000001")
    with pytest.raises(ValidationError) as refused:
        active_assignment(people.counsellor, world.profile, second)
    assert "1" in refused.value.messages[0]
    assert conf.star_thresholds() == (10, 20)


def test_active_profile_helper_still_builds_an_active_volunteer(people, tree, agreement):
    profile = active_profile(people, make_user("volunteer_x", "volunteer", tree.willow), people.counsellor)
    assert (
        profile.status == VolunteerProfile.Status.ACTIVE
        and profile.agreement_recorded_by == people.counsellor
    )
