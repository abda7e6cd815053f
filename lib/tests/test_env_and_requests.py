"""lib.env reads settings and secrets; lib.request_context finds the client's address."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from lib.env import env_bool, env_int, env_list, local_secrets, read_secret, require_secret
from lib.pinyin import name_initials, name_pinyin
from lib.request_context import client_ip_from_request


def test_booleans_and_numbers_are_read_strictly(monkeypatch):
    monkeypatch.setenv("XQ_FLAG", "Yes")
    monkeypatch.setenv("XQ_COUNT", "12")
    assert env_bool("XQ_FLAG", False) is True and env_int("XQ_COUNT", 1) == 12
    assert env_bool("XQ_MISSING", True) is True and env_int("XQ_MISSING", 3) == 3
    monkeypatch.setenv("XQ_FLAG", "maybe")
    monkeypatch.setenv("XQ_COUNT", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_bool("XQ_FLAG", False)
    with pytest.raises(ImproperlyConfigured):
        env_int("XQ_COUNT", 1)


def test_lists_are_comma_separated_without_blanks(monkeypatch):
    monkeypatch.setenv("XQ_HOSTS", " a.example, ,b.example ")
    assert env_list("XQ_HOSTS", []) == ["a.example", "b.example"]


def test_a_secret_comes_from_the_variable_or_the_file_it_names(monkeypatch, tmp_path):
    secret_file = tmp_path / "key"
    secret_file.write_text("from-file\n", encoding="utf-8")
    monkeypatch.delenv("XQ_KEY", raising=False)
    monkeypatch.setenv("XQ_KEY_FILE", str(secret_file))
    assert read_secret("XQ_KEY") == "from-file"
    monkeypatch.setenv("XQ_KEY", "from-env")
    assert read_secret("XQ_KEY") == "from-env"
    monkeypatch.delenv("XQ_KEY")
    monkeypatch.setenv("XQ_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured):
        read_secret("XQ_KEY")
    monkeypatch.delenv("XQ_KEY_FILE")
    with pytest.raises(ImproperlyConfigured):
        require_secret("XQ_KEY")


def test_local_secrets_are_generated_once_and_kept(tmp_path):
    path = tmp_path / "secrets.json"
    first = local_secrets(path, {"a": lambda: "1"})
    again = local_secrets(path, {"a": lambda: "2", "b": lambda: "3"})
    assert first == {"a": "1"} and again == {"a": "1", "b": "3"}


def test_the_forwarded_address_is_trusted_only_behind_the_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    assert client_ip_from_request(request) == "10.0.0.1"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_ip_from_request(request) == "203.0.113.5"
    assert client_ip_from_request(RequestFactory().get("/", REMOTE_ADDR="not-an-ip")) is None


def test_names_are_found_by_pinyin_and_initials():
    assert name_pinyin(" 张三 ") == "zhangsan" and name_initials("张三") == "zs"
