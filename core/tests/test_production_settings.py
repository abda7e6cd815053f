"""PLT settings: production refuses to start without its secrets and passes Django's deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **overrides) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XINQIAO_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        XINQIAO_ENV="production",
        XINQIAO_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        XINQIAO_ALLOWED_HOSTS="xinqiao.example.org",
        XINQIAO_PUBLIC_BASE_URL="https://xinqiao.example.org",
        XINQIAO_SECRET_KEY="p" * 20 + "roduction-secret-key-with-plenty-of-entropy-1234567890",
        XINQIAO_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        XINQIAO_BLIND_INDEX_KEY="blind-index-key-for-production-tests",
        DJANGO_SETTINGS_MODULE="xinqiao.settings",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "secret", ["XINQIAO_SECRET_KEY", "XINQIAO_ENCRYPTION_KEYS", "XINQIAO_BLIND_INDEX_KEY"]
)
def test_production_refuses_to_start_without_a_secret_and_names_it(tmp_path, secret):
    env = production_env(tmp_path)
    del env[secret]
    result = manage(env, "check")
    assert result.returncode != 0
    assert secret in result.stderr
    assert "Traceback" not in result.stderr.splitlines()[-1]


def test_a_secret_can_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret_key"
    secret_file.write_text("f" * 20 + "ile-based-secret-key-with-plenty-of-entropy-0987654321\n")
    env = production_env(tmp_path, XINQIAO_SECRET_KEY=None, XINQIAO_SECRET_KEY_FILE=str(secret_file))
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_mode_cannot_be_switched_on_in_production(tmp_path):
    result = manage(production_env(tmp_path, XINQIAO_DEMO="1"), "check")
    assert result.returncode != 0
    assert "XINQIAO_DEMO" in result.stderr


def test_development_generates_its_secrets_once_into_an_untracked_file(tmp_path):
    env = production_env(tmp_path, XINQIAO_ENV="development")
    for name in ("XINQIAO_SECRET_KEY", "XINQIAO_ENCRYPTION_KEYS", "XINQIAO_BLIND_INDEX_KEY"):
        env.pop(name)
    assert manage(env, "check").returncode == 0
    first = (tmp_path / "secrets.json").read_text()
    assert manage(env, "check").returncode == 0
    assert (tmp_path / "secrets.json").read_text() == first
    assert oct((tmp_path / "secrets.json").stat().st_mode)[-3:] == "600"


def test_the_deploy_check_warns_when_links_would_point_at_the_local_address(tmp_path):
    result = manage(
        production_env(tmp_path, XINQIAO_PUBLIC_BASE_URL=None), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0 and "core.W001" in result.stderr + result.stdout
