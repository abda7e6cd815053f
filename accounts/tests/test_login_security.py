"""PLT-6: hashing, lockout, the same message for any wrong credential, 2FA, idle timeout, logout."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from confidentiality.models import AuditEntry
from conftest import PASSWORD, login_fully

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = reverse("dashboard:home")


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_passwords_are_hashed_with_argon2(tree, production_hashers):
    from conftest import make_user

    assert production_hashers[0].endswith("Argon2PasswordHasher")
    user = make_user("hashed", "grid_worker", tree.grid)
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def test_the_login_page_is_in_chinese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_a_wrong_user_name_and_a_wrong_password_get_the_same_message(client, people):
    unknown = post_login(client, "nobody_here", PASSWORD)
    wrong_password = post_login(Client(), people.worker.username, "not-the-password")
    assert unknown.status_code == wrong_password.status_code == 200
    assert unknown.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()


def test_a_non_clinical_role_logs_in_with_a_password_alone(client, people):
    response = post_login(client, people.worker.username, PASSWORD)
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_five_failures_lock_the_user_name_even_for_the_right_password(client, people):
    for _ in range(5):
        post_login(client, people.worker.username, "wrong-password-1")
    locked = post_login(Client(), people.worker.username, PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert AuditEntry.objects.filter(action="auth.login_failed").count() >= 5


def test_the_lock_lifts_after_fifteen_minutes(client, people):
    for _ in range(5):
        post_login(client, people.worker.username, "wrong-password-1")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = post_login(Client(), people.worker.username, PASSWORD)
    assert response.status_code == 302


def test_four_failures_do_not_lock(client, people):
    for _ in range(4):
        post_login(client, people.worker.username, "wrong-password-1")
    assert post_login(Client(), people.worker.username, PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["counsellor", "director", "supervisor", "therapist", "archivist", "admin"])
def test_roles_that_see_sensitive_data_must_set_up_two_factor_before_anything_else(client, people, role):
    user = getattr(people, role)
    post_login(client, user.username, PASSWORD)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor_setup")
    # Partials and the session API are refused too, not only full pages.
    assert client.get(reverse("orgs:tree"), HTTP_HX_REQUEST="true").status_code == 302
    assert client.get("/api/v1/me/").status_code == 403


def test_setting_up_two_factor_with_a_valid_code_completes_the_login(client, people):
    post_login(client, people.counsellor.username, PASSWORD)
    client.get(reverse("accounts:two_factor_setup"))
    device = TOTPDevice.objects.get(user=people.counsellor, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000"})
    assert wrong.status_code == 200 and client.get(HOME).status_code == 302
    # django-otp throttles after a wrong code: wait out the back-off like a person would.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        response = client.post(reverse("accounts:two_factor_setup"), {"token": current_code(device)})
        assert response.status_code == 302
        assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_person_with_an_authenticator_is_asked_for_a_code_at_login(client, people):
    device = TOTPDevice.objects.create(user=people.director, name="phone", confirmed=True)
    post_login(client, people.director.username, PASSWORD)
    assert client.get(HOME).url == reverse("accounts:two_factor_verify")
    client.post(reverse("accounts:two_factor_verify"), {"token": "123456"})
    assert client.get(HOME).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        client.post(reverse("accounts:two_factor_verify"), {"token": current_code(device)})
        assert client.get(HOME).status_code == 200


def test_demo_accounts_skip_two_factor_only_in_demo_mode(client, people, settings):
    people.counsellor.is_demo_account = True
    people.counsellor.save(update_fields=["is_demo_account"])
    settings.DEMO_MODE = True
    post_login(client, people.counsellor.username, PASSWORD)
    assert client.get(HOME).status_code == 200
    settings.DEMO_MODE = False
    assert client.get(HOME).status_code == 302


def test_the_session_ends_after_thirty_idle_minutes(client, people):
    login_fully(client, people.worker)
    assert client.get(HOME).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert client.get(HOME).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=29 + 31)):
        response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_logout_ends_the_session_on_the_server(client, people):
    post_login(client, people.worker.username, PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nothing.
    stale = Client()
    stale.cookies["sessionid"] = key
    assert stale.get(HOME).status_code == 302
    assert AuditEntry.objects.filter(action="auth.logout", actor=people.worker).exists()


def test_logout_by_get_is_refused(client, people):
    login_fully(client, people.worker)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(HOME).status_code == 200


def test_logins_are_audited_with_the_client_address(client, people):
    post_login(client, people.worker.username, PASSWORD)
    entry = AuditEntry.objects.filter(action="auth.login").latest("seq")
    assert entry.actor == people.worker
    assert entry.client_ip == "127.0.0.1"


def test_a_temporary_password_must_be_changed_before_anything_else(client, tree):
    from accounts.services import user_create

    _user, temporary = user_create(
        actor=None, username="newbie", full_name="新人", role="grid_worker", org_unit=tree.grid
    )
    post_login(client, "newbie", temporary)
    assert client.get(HOME).url == reverse("accounts:password_change")
    short = client.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password1": "short1", "new_password2": "short1"},
    )
    assert "至少" in short.content.decode()  # the 10-character minimum, in Chinese
    done = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": temporary,
            "new_password1": "a-much-longer-secret",
            "new_password2": "a-much-longer-secret",
        },
    )
    assert done.status_code == 302
    assert client.get(HOME).status_code == 200
