"""lib.urls: links that leave the site use the configured address, else the one the page was
served at (issue 18 #8: QR codes said port 8000 when served on another port)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from lib.request_context import reset_base_url, set_base_url
from lib.urls import LOCAL_BASE_URL, absolute_reverse, absolute_url


def test_the_configured_address_wins(settings, rf):
    settings.XINQIAO_PUBLIC_BASE_URL = "https://xinqiao.example.org/"
    request = rf.get("/", HTTP_HOST="localhost:9000")
    assert absolute_url("/s/abc/", request=request) == "https://xinqiao.example.org/s/abc/"


def test_without_a_setting_the_request_gives_scheme_host_and_port(settings):
    settings.XINQIAO_PUBLIC_BASE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="localhost:9000")
    assert absolute_url("/s/abc/", request=request) == "http://localhost:9000/s/abc/"
    secure = RequestFactory().get("/", HTTP_HOST="localhost:9443", secure=True)
    assert absolute_reverse("portal:home", request=secure).startswith("https://localhost:9443/")


def test_without_a_setting_the_current_request_is_used_far_from_the_view(settings):
    settings.XINQIAO_PUBLIC_BASE_URL = ""
    token = set_base_url("http://localhost:8123")
    try:
        assert absolute_url("/x/") == "http://localhost:8123/x/"
    finally:
        reset_base_url(token)


def test_outside_any_request_the_local_address_is_used(settings):
    settings.XINQIAO_PUBLIC_BASE_URL = ""
    assert absolute_url("/x/") == LOCAL_BASE_URL + "/x/"


def test_a_host_django_refuses_is_not_put_in_a_link(settings):
    settings.XINQIAO_PUBLIC_BASE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="evil.example.com")
    assert absolute_url("/x/", request=request) == LOCAL_BASE_URL + "/x/"


def test_the_deploy_check_warns_while_the_address_is_not_set(settings, capsys):
    from core.checks import public_base_url_set

    settings.XINQIAO_PUBLIC_BASE_URL = ""
    assert [message.id for message in public_base_url_set(None)] == ["core.W001"]
    settings.XINQIAO_PUBLIC_BASE_URL = "https://xinqiao.example.org"
    assert public_base_url_set(None) == []


@pytest.mark.django_db
def test_the_check_command_knows_the_deploy_check(settings):
    settings.XINQIAO_PUBLIC_BASE_URL = ""
    from django.core.checks.registry import registry

    assert any(
        check.__name__ == "public_base_url_set"
        for check in registry.get_checks(include_deployment_checks=True)
    )
    call_command("check")  # registered as a deploy check only: a plain check stays quiet
