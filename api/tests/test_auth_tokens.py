"""API tokens: issue, use (Token and Bearer), refuse, revoke, and the second factor for clinical roles."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import user_deactivate
from confidentiality.models import AuditEntry
from conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REVOKE = "/api/v1/auth/token/revoke/"
ME = "/api/v1/me/"


def obtain(username: str, password: str = PASSWORD, **extra):
    return APIClient().post(TOKEN, {"username": username, "password": password, **extra}, format="json")


def token_of(user, **extra) -> str:
    response = obtain(user.username, **extra)
    assert response.status_code == 200, response.data
    return response.data["token"]


def client_with(header: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    return client


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# ---------------------------------------------------------------------------------------------
# Roles without a second factor


@pytest.mark.parametrize("who", ["worker", "finance", "lead"])
def test_a_role_without_two_factor_gets_a_token_for_its_password(people, who):
    user = getattr(people, who)
    response = obtain(user.username)
    assert response.status_code == 200
    assert set(response.data) == {"token"}
    assert response.data["token"] == Token.objects.get(user=user).key


def test_the_token_works_as_a_token_header(people):
    key = token_of(people.worker)
    response = client_with(f"Token {key}").get(ME)
    assert response.status_code == 200
    assert response.data["username"] == people.worker.username
    assert response.data["role"] == "grid_worker"
    assert isinstance(response.data["permissions"], list)
    assert "orgs.view_tree" in response.data["permissions"]
    assert "orgs.manage_tree" not in response.data["permissions"]


def test_the_token_works_as_a_bearer_header(people):
    key = token_of(people.finance)
    response = client_with(f"Bearer {key}").get(ME)
    assert response.status_code == 200
    assert response.data["username"] == people.finance.username
    assert response.data["role"] == "finance"


def test_asking_twice_gives_the_same_token(people):
    assert token_of(people.lead) == token_of(people.lead)


def test_the_header_keyword_is_case_insensitive(people):
    key = token_of(people.worker)
    assert client_with(f"bearer {key}").get(ME).status_code == 200
    assert client_with(f"token {key}").get(ME).status_code == 200


@pytest.mark.parametrize("header", ["Bearer", "Token", "Bearer a b", "Token a b"])
def test_a_malformed_header_is_refused(people, header):
    response = client_with(header).get(ME)
    assert response.status_code == 401


def test_another_scheme_is_not_taken_for_a_token(people):
    key = token_of(people.worker)
    assert client_with(f"Basic {key}").get(ME).status_code == 401


def test_a_made_up_token_is_refused(people):
    assert client_with("Token " + "0" * 40).get(ME).status_code == 401
    assert client_with("Bearer " + "0" * 40).get(ME).status_code == 401


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(people):
    wrong_password = obtain(people.worker.username, "not-the-password")
    unknown = obtain("nobody_here")
    assert wrong_password.status_code == unknown.status_code == 400
    assert wrong_password.data == unknown.data
    assert wrong_password.data["non_field_errors"]
    assert not Token.objects.exists()


def test_a_request_without_a_password_is_a_validation_error(people):
    response = APIClient().post(TOKEN, {"username": people.worker.username}, format="json")
    assert response.status_code == 400
    assert "password" in response.data


def test_an_inactive_user_gets_no_token(tree):
    user = make_user("gone_t", "finance", tree.district)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = obtain(user.username)
    assert response.status_code == 400
    assert response.data == obtain("nobody_here").data
    assert not Token.objects.filter(user=user).exists()


def test_the_token_of_a_deactivated_user_is_refused(people):
    key = token_of(people.worker)
    client = client_with(f"Token {key}")
    assert client.get(ME).status_code == 200
    user_deactivate(actor=people.admin, user=people.worker, reason="x")
    assert client.get(ME).status_code == 401
    assert client_with(f"Bearer {key}").get(ME).status_code == 401


def test_a_token_left_behind_on_an_inactive_account_is_refused(people):
    """Even if a token outlived the switch-off (not via the service), authentication refuses it."""
    key = token_of(people.worker)
    type(people.worker).objects.filter(pk=people.worker.pk).update(is_active=False)
    assert Token.objects.filter(key=key).exists()
    assert client_with(f"Token {key}").get(ME).status_code == 401
    assert client_with(f"Bearer {key}").get(ME).status_code == 401


def test_revoking_the_token_ends_it(people):
    key = token_of(people.worker)
    client = client_with(f"Bearer {key}")
    response = client.post(REVOKE)
    assert response.status_code == 204
    assert not Token.objects.filter(key=key).exists()
    assert client.get(ME).status_code == 401
    assert client.post(REVOKE).status_code == 401


def test_after_revoking_a_new_token_is_different(people):
    first = token_of(people.worker)
    assert client_with(f"Token {first}").post(REVOKE).status_code == 204
    second = token_of(people.worker)
    assert second != first
    assert client_with(f"Token {second}").get(ME).status_code == 200


def test_revoking_needs_a_token(people):
    assert APIClient().post(REVOKE).status_code == 401


def test_issuing_and_revoking_a_token_are_audited(people):
    key = token_of(people.finance)
    issued = AuditEntry.objects.filter(action="api.token_issued")
    assert issued.count() == 1
    entry = issued.get()
    assert entry.actor_id == people.finance.pk
    assert entry.object_id == str(people.finance.pk)

    client_with(f"Token {key}").post(REVOKE)
    revoked = AuditEntry.objects.filter(action="api.token_revoked")
    assert revoked.count() == 1
    assert revoked.get().actor_id == people.finance.pk


def test_a_refused_token_request_issues_nothing_and_audits_no_issue(people):
    obtain(people.worker.username, "not-the-password")
    assert not AuditEntry.objects.filter(action="api.token_issued").exists()


# ---------------------------------------------------------------------------------------------
# Roles with a second factor


@pytest.mark.parametrize("who", ["counsellor", "director", "admin", "archivist", "supervisor"])
def test_a_two_factor_role_without_a_device_is_told_to_set_one_up(people, who):
    response = obtain(getattr(people, who).username)
    assert response.status_code == 400
    assert "otp" in response.data
    assert not Token.objects.exists()


def test_a_two_factor_role_with_a_device_but_no_code_gets_no_token(people):
    TOTPDevice.objects.create(user=people.counsellor, name="p", confirmed=True)
    response = obtain(people.counsellor.username)
    assert response.status_code == 400
    assert "otp" in response.data
    assert not Token.objects.exists()


def test_a_two_factor_role_with_a_wrong_code_gets_no_token(people):
    device = TOTPDevice.objects.create(user=people.director, name="p", confirmed=True)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = obtain(people.director.username, otp=wrong)
    assert response.status_code == 400
    assert "otp" in response.data
    assert not Token.objects.exists()


def test_a_wrong_code_counts_towards_the_authenticators_throttle(people):
    device = TOTPDevice.objects.create(user=people.director, name="p", confirmed=True)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    assert obtain(people.director.username, otp=wrong).status_code == 400
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_code_that_is_not_six_digits_is_rejected(people):
    TOTPDevice.objects.create(user=people.director, name="p", confirmed=True)
    response = obtain(people.director.username, otp="12ab")
    assert response.status_code == 400
    assert "otp" in response.data


def test_an_unconfirmed_device_does_not_count(people):
    device = TOTPDevice.objects.create(user=people.admin, name="p", confirmed=False)
    response = obtain(people.admin.username, otp=current_code(device))
    assert response.status_code == 400
    assert "otp" in response.data
    assert not Token.objects.exists()


@pytest.mark.parametrize("who", ["counsellor", "director", "admin"])
def test_a_two_factor_role_with_the_right_code_gets_a_token(people, who):
    user = getattr(people, who)
    device = TOTPDevice.objects.create(user=user, name="p", confirmed=True)
    response = obtain(user.username, otp=current_code(device))
    assert response.status_code == 200
    key = response.data["token"]
    me = client_with(f"Token {key}").get(ME)
    assert me.status_code == 200
    assert me.data["username"] == user.username


def test_a_wrong_password_with_the_right_code_still_gets_the_generic_message(people):
    device = TOTPDevice.objects.create(user=people.counsellor, name="p", confirmed=True)
    response = obtain(people.counsellor.username, "not-the-password", otp=current_code(device))
    assert response.status_code == 400
    assert response.data == obtain("nobody_here").data


def test_a_demo_admin_in_demo_mode_needs_no_code(tree, settings):
    settings.DEMO_MODE = True
    user = make_user("demo_admin_t", "admin", tree.district, is_demo_account=True)
    assert client_with(f"Token {token_of(user)}").get(ME).status_code == 200


def test_a_demo_admin_outside_demo_mode_needs_the_code(tree, settings):
    settings.DEMO_MODE = False
    user = make_user("demo_admin_t", "admin", tree.district, is_demo_account=True)
    response = obtain(user.username)
    assert response.status_code == 400
    assert "otp" in response.data
