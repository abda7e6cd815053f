"""Reading settings from the environment, with safe defaults and ``*_FILE`` secrets."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_secret(name: str) -> str | None:
    """Return the secret from ``NAME`` or from the file named by ``NAME_FILE``, else None.

    The ``*_FILE`` form lets container and systemd set-ups keep secrets out of the environment.
    """
    value = os.environ.get(name)
    if value:
        return value.strip()
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points to {path!r}, which cannot be read: {exc}"
            ) from exc
    return None


def require_secret(name: str) -> str:
    value = read_secret(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. In production every secret must be given as the variable {name} "
            f"or as a file named by {name}_FILE."
        )
    return value


def local_secrets(path: Path, generators: dict[str, callable]) -> dict[str, str]:
    """Load development secrets from ``path``, generating any that are missing, once.

    Written with O_EXCL on first creation so that parallel test workers starting together agree on
    one set of keys instead of each writing its own.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        values = {name: make() for name, make in generators.items()}
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(values, handle, indent=2)
            return values
    stored = json.loads(path.read_text(encoding="utf-8") or "{}")
    missing = {name: make() for name, make in generators.items() if name not in stored}
    if missing:
        stored.update(missing)
        tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
        tmp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    return stored
