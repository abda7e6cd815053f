"""PLT-1/2/4 and PRT-1: the layout, languages, error pages, the portal shell and periodic jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_fully
from core.jobs import run_due_jobs
from core.models import JobRun
from core.services import centre_profile_update
from lib.jobs import registered_jobs

pytestmark = pytest.mark.django_db


def test_the_portal_shows_the_centre_the_hotline_the_hours_and_a_login_link(client, tree):
    from datetime import time

    from orgs.services import opening_hours_add, service_site_create

    centre_profile_update(
        actor=None, name="测试心理服务中心", hotline="0571-12356", introduction="免费、保密"
    )
    site = service_site_create(actor=None, name="柳岸服务站", org_unit=tree.willow)
    opening_hours_add(actor=None, site=site, weekday=0, opens=time(13, 30), closes=time(15, 30))
    body = client.get("/").content.decode()
    for text in (
        "测试心理服务中心",
        "0571-12356",
        "柳岸服务站",
        "13:30",
        "星期一",
        reverse("accounts:login"),
    ):
        assert text in body


def test_the_portal_needs_no_login_and_refuses_post(client, db):
    assert client.get("/").status_code == 200
    assert client.post("/").status_code == 405


def test_every_page_loads_only_local_assets(client, db):
    body = client.get("/").content.decode()
    assert 'src="http' not in body and 'href="http' not in body
    assert "/static/vendor/htmx/htmx.min.js" in body


def test_chinese_is_the_default_and_english_is_one_click_away(client, db):
    assert "工作人员登录" in client.get(reverse("accounts:login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Staff login" in client.get(reverse("accounts:login")).content.decode()


def test_the_404_page_is_in_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404" in response.content.decode() and "返回" in response.content.decode()


def test_the_403_page_is_in_chinese(people):
    response = login_fully(Client(), people.worker).get(reverse("accounts:user_list"))
    assert response.status_code == 403
    assert "403" in response.content.decode() and "返回" in response.content.decode()


def test_the_500_page_is_in_chinese():
    from django.template.loader import get_template

    assert "系统出错" in get_template("500.html").render()


def test_the_audit_log_screen_is_for_the_director_and_administrator(people):
    assert login_fully(Client(), people.director).get(reverse("confidentiality:audit_log")).status_code == 200
    assert (
        login_fully(Client(), people.counsellor).get(reverse("confidentiality:audit_log")).status_code == 403
    )


def test_due_jobs_run_once_and_not_again_until_their_interval_passes(db):
    first = run_due_jobs()
    assert {name for name, _, _ in first} == {job.name for job in registered_jobs()}
    assert all(ok for _, ok, _ in first), first
    assert run_due_jobs() == []
    later = {name for name, ok, _ in run_due_jobs(now=timezone.now() + timedelta(hours=2))}
    assert later == {job.name for job in registered_jobs() if job.every <= timedelta(hours=2)}
    assert "audit.verify_chain" not in later
    assert JobRun.objects.get(name="audit.verify_chain").last_ok


def test_the_run_due_jobs_command_reports_what_ran(db, capsys):
    call_command("run_due_jobs")
    out = capsys.readouterr().out
    assert "sessions.clear_expired" in out and "audit.verify_chain" in out
    call_command("run_due_jobs")
    assert "No job was due" in capsys.readouterr().out


def test_the_huey_task_runs_the_due_jobs(db):
    from core.tasks import run_due_jobs_every_minute

    run_due_jobs_every_minute()  # tests run Huey in immediate mode: this executes the task now
    ran = set(JobRun.objects.filter(last_finished_at__isnull=False).values_list("name", flat=True))
    assert ran == {job.name for job in registered_jobs()}


def test_the_centre_profile_is_edited_by_the_director(people):
    client = login_fully(Client(), people.director)
    response = client.post(reverse("core:centre_profile"), {"name": "新名称中心", "hotline": "12356"})
    assert response.status_code == 302
    assert "新名称中心" in Client().get("/").content.decode()
    assert (
        login_fully(Client(), people.worker).post(reverse("core:centre_profile"), {"name": "x"}).status_code
        == 403
    )
