"""API tokens as account services: who may hold one, the second factor, and the audit entries."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts.services import token_issue, token_revoke
from confidentiality.models import AuditEntry
from conftest import make_user

pytestmark = pytest.mark.django_db


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_role_without_two_factor_gets_one_token_however_often_it_asks(people):
    first = token_issue(user=people.worker)
    assert token_issue(user=people.worker) == first
    assert Token.objects.get(user=people.worker) == first
    entries = AuditEntry.objects.filter(action="api.token_issued", actor=people.worker)
    assert entries.count() == 2
    assert {entry.object_id for entry in entries} == {str(people.worker.pk)}


def test_an_inactive_account_gets_no_token(tree):
    user = make_user("gone_s", "finance", tree.district)
    user.is_active = False
    user.save(update_fields=["is_active"])
    with pytest.raises(ValidationError) as refused:
        token_issue(user=user)
    assert not hasattr(refused.value, "error_dict")  # a non-field error, as for a wrong password
    assert not Token.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="api.token_issued").exists()


def test_a_two_factor_role_needs_a_confirmed_device_and_its_current_code(people):
    with pytest.raises(ValidationError) as no_device:
        token_issue(user=people.director)
    assert list(no_device.value.message_dict) == ["otp"]
    device = TOTPDevice.objects.create(user=people.director, name="p", confirmed=True)
    with pytest.raises(ValidationError) as no_code:
        token_issue(user=people.director)
    assert list(no_code.value.message_dict) == ["otp"]
    assert not Token.objects.exists()
    assert token_issue(user=people.director, otp=current_code(device)).user == people.director


def test_a_wrong_code_still_counts_towards_the_throttle(people):
    """The refusal must not roll back django-otp's record of the failed attempt."""
    device = TOTPDevice.objects.create(user=people.counsellor, name="p", confirmed=True)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationError):
        token_issue(user=people.counsellor, otp=wrong)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert not Token.objects.exists()


def test_revoking_ends_ones_own_token_and_is_audited(people):
    token_issue(user=people.finance)
    token_issue(user=people.worker)
    token_revoke(actor=people.finance)
    assert not Token.objects.filter(user=people.finance).exists()
    assert Token.objects.filter(user=people.worker).exists()
    revoked = AuditEntry.objects.get(action="api.token_revoked")
    assert (revoked.actor_id, revoked.object_id) == (people.finance.pk, str(people.finance.pk))
