"""§1 / PLT-6: the system administrator manages staff accounts in the UI; nobody else can."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import User
from confidentiality.models import AuditEntry
from conftest import PASSWORD, login_fully

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"accounts:{name}", args=args)


def new_account_data(tree, **overrides):
    data = {
        "username": "zhouxin",
        "full_name": "周欣",
        "role": "counsellor",
        "org_unit": tree.willow.pk,
        "email": "zx@example.org",
        "phone": "13800001111",
    }
    data.update(overrides)
    return data


def test_the_administrator_lists_accounts_with_a_bounded_number_of_queries(
    as_user, people, django_assert_max_num_queries
):
    client = as_user(people.admin)
    with django_assert_max_num_queries(12):
        response = client.get(url("user_list"))
    assert response.status_code == 200
    assert "counsellor_t" in response.content.decode()


def test_the_list_filters_by_role_as_an_htmx_partial(as_user, people):
    response = as_user(people.admin).get(url("user_list"), {"role": "finance"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "finance_t" in body and "counsellor_t" not in body
    assert "<html" not in body


def test_the_administrator_creates_an_account_and_sees_a_one_time_temporary_password(as_user, people, tree):
    response = as_user(people.admin).post(url("user_create"), new_account_data(tree))
    assert response.status_code == 200
    user = User.objects.get(username="zhouxin")
    assert user.must_change_password and user.role == "counsellor" and user.org_unit == tree.willow
    assert response.context["password"] and user.check_password(response.context["password"])
    assert "临时密码" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="user.created", object_id=str(user.pk), actor=people.admin
    ).exists()


def test_a_taken_user_name_is_refused_with_a_message(as_user, people, tree):
    response = as_user(people.admin).post(url("user_create"), new_account_data(tree, username="COUNSELLOR_T"))
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert User.objects.filter(username__iexact="counsellor_t").count() == 1


@pytest.mark.parametrize("role", ["director", "counsellor", "worker", "archivist"])
def test_other_roles_cannot_open_or_use_the_account_screens(people, tree, role):
    client = login_fully(Client(), getattr(people, role))
    before = User.objects.count()
    assert client.get(url("user_list")).status_code == 403
    assert client.post(url("user_create"), new_account_data(tree)).status_code == 403
    assert client.post(url("user_deactivate", people.worker.pk), {"reason": "x"}).status_code == 403
    assert client.post(url("user_reset_password", people.worker.pk)).status_code == 403
    assert User.objects.count() == before
    people.worker.refresh_from_db()
    assert people.worker.is_active and people.worker.check_password(PASSWORD)


def test_state_changing_account_actions_refuse_get(as_user, people):
    client = as_user(people.admin)
    for name in ("user_deactivate", "user_reactivate", "user_reset_password", "user_reset_two_factor"):
        assert client.get(url(name, people.worker.pk)).status_code == 405
    people.worker.refresh_from_db()
    assert people.worker.is_active


def test_deactivating_an_account_ends_its_sessions_at_once(as_user, people):
    worker_client = Client()
    worker_client.post(url("login"), {"username": "worker_t", "password": PASSWORD})
    assert worker_client.get(reverse("dashboard:home")).status_code == 200
    key = worker_client.session.session_key

    response = as_user(people.admin).post(url("user_deactivate", people.worker.pk), {"reason": "离职"})
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert worker_client.get(reverse("dashboard:home")).status_code == 302
    assert Client().post(url("login"), {"username": "worker_t", "password": PASSWORD}).status_code == 200
    entry = AuditEntry.objects.get(action="user.deactivated")
    assert entry.reason == "离职" and entry.details["sessions_ended"] == 1


def test_deactivation_needs_a_reason(as_user, people):
    as_user(people.admin).post(url("user_deactivate", people.worker.pk), {"reason": ""})
    people.worker.refresh_from_db()
    assert people.worker.is_active


def test_the_administrator_cannot_deactivate_themselves(as_user, people):
    as_user(people.admin).post(url("user_deactivate", people.admin.pk), {"reason": "oops"})
    people.admin.refresh_from_db()
    assert people.admin.is_active


def test_resetting_a_password_gives_a_temporary_one_that_must_be_changed(as_user, people):
    response = as_user(people.admin).post(url("user_reset_password", people.worker.pk))
    temporary = response.context["password"]
    people.worker.refresh_from_db()
    assert people.worker.must_change_password
    assert people.worker.check_password(temporary) and not people.worker.check_password(PASSWORD)


def test_changing_role_and_scope_is_saved_and_audited(as_user, people, tree):
    data = new_account_data(tree, role="supervisor", org_unit=tree.east.pk, full_name="改名")
    del data["username"]
    response = as_user(people.admin).post(url("user_edit", people.counsellor.pk), data)
    assert response.status_code == 302
    people.counsellor.refresh_from_db()
    assert people.counsellor.role == "supervisor" and people.counsellor.org_unit == tree.east
    entry = AuditEntry.objects.get(action="user.updated")
    assert entry.details == {
        "before": {"role": "counsellor", "org_unit": tree.willow.pk, "supervisor": None},
        "after": {"role": "supervisor", "org_unit": tree.east.pk, "supervisor": None},
    }


def test_the_administrator_gives_a_counsellor_a_supervisor(as_user, people, tree):
    data = new_account_data(tree, supervisor=people.supervisor.pk)
    del data["username"]
    response = as_user(people.admin).post(url("user_edit", people.counsellor.pk), data)
    assert response.status_code == 302
    people.counsellor.refresh_from_db()
    assert people.counsellor.supervisor == people.supervisor
    entry = AuditEntry.objects.get(action="user.updated")
    assert entry.details["after"]["supervisor"] == people.supervisor.pk


@pytest.mark.parametrize("who", ["director", "colleague"])
def test_only_an_active_supervisor_can_be_chosen_as_supervisor(as_user, people, tree, who):
    data = new_account_data(tree, supervisor=getattr(people, who).pk)
    del data["username"]
    response = as_user(people.admin).post(url("user_edit", people.counsellor.pk), data)
    assert response.status_code == 200
    people.counsellor.refresh_from_db()
    assert people.counsellor.supervisor is None


def test_a_grid_worker_cannot_be_given_a_supervisor(as_user, people, tree):
    data = new_account_data(tree, role="grid_worker", org_unit=tree.grid.pk, supervisor=people.supervisor.pk)
    del data["username"]
    response = as_user(people.admin).post(url("user_edit", people.worker.pk), data)
    assert response.status_code == 200
    assert "supervisor" in response.context["form"].errors
    people.worker.refresh_from_db()
    assert people.worker.supervisor is None


def test_an_administrator_cannot_change_their_own_role(as_user, people, tree):
    data = new_account_data(tree, role="director", org_unit=people.admin.org_unit.pk)
    del data["username"]
    response = as_user(people.admin).post(url("user_edit", people.admin.pk), data)
    assert response.status_code == 200
    people.admin.refresh_from_db()
    assert people.admin.role == "admin"


def test_a_missing_account_is_a_chinese_404(as_user, people):
    response = as_user(people.admin).get(url("user_detail", 999_999))
    assert response.status_code == 404
    assert "找不到" in response.content.decode() or "不存在" in response.content.decode()


def test_resetting_two_factor_removes_the_authenticator(as_user, people):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    login_fully(Client(), people.counsellor)  # gives the counsellor a confirmed device
    assert TOTPDevice.objects.filter(user=people.counsellor).exists()
    as_user(people.admin).post(url("user_reset_two_factor", people.counsellor.pk), {"reason": "丢失手机"})
    assert not TOTPDevice.objects.filter(user=people.counsellor).exists()


def test_opening_a_staff_record_is_audited(as_user, people):
    response = as_user(people.admin).get(url("user_detail", people.worker.pk))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action="user.viewed", actor=people.admin, object_id=str(people.worker.pk)
    ).exists()


def test_a_supervisor_with_supervisees_keeps_the_role_until_they_have_another(as_user, people, tree):
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    data = new_account_data(tree, role="counsellor", org_unit=tree.district.pk)
    del data["username"]
    response = as_user(people.admin).post(url("user_edit", people.supervisor.pk), data)
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    people.supervisor.refresh_from_db()
    assert people.supervisor.role == "supervisor"
