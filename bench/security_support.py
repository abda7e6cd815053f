"""What the security battery's scripts share: a scratch instance seeded with the demo data, and a
live server on a loopback port.

Not a benchmark itself. Each ``bench/security_*.py`` script calls :func:`scratch_instance` before
anything imports Django models, so that the settings read the throw-away var directory (its own
secrets, its own SQLite file) and never the checkout's ``var/``.
"""

from __future__ import annotations

import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "xinqiao-demo"  # noqa: S105 - the demo accounts' public password


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def scratch_instance(*, residents: int = 40, seed: bool = True, keep: bool = False) -> Path:
    """A temporary XINQIAO_VAR_DIR, migrated and (by default) seeded with the demo data set.

    Sets the environment for this process and for the server it starts: development settings,
    demo mode on (the demo accounts need no second factor), DEBUG off (an error is a plain 500,
    as in production). A DATABASE_URL already in the environment is kept (PostgreSQL runs);
    otherwise the database is the var directory's SQLite file. The directory is removed at exit
    unless ``keep``.
    """
    var_dir = Path(tempfile.mkdtemp(prefix="xinqiao-security-"))
    if not keep:
        import atexit

        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    os.environ["XINQIAO_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "xinqiao.settings"
    os.environ["XINQIAO_ENV"] = "development"
    os.environ["XINQIAO_DEMO"] = "1"
    os.environ["XINQIAO_DEBUG"] = "0"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if seed:
        call_command("seed_demo", residents=residents, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return var_dir


def sqlite_path() -> Path | None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        return None
    return Path(db["NAME"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVERS: dict[str, int] = {}  # base URL -> process id of the live servers started


def peak_rss_mb(name: str) -> float:
    """A live server's (or its worker's) peak resident memory so far (VmHWM, Linux)."""
    for line in Path(f"/proc/{SERVERS[name]}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


@contextmanager
def live_server(*, log: Path | None = None, worker: bool = False):
    """``manage.py runserver`` on a free loopback port, in its own process, on the scratch
    instance's settings (inherited through the environment), and with ``worker`` the task
    worker (``manage.py run_huey``) beside it, as in production. Yields the base URL; the log of
    both (every request line, and the traceback of any 500) goes to ``log``. The processes' ids
    are in SERVERS, under the base URL and under base URL + "#worker"."""
    port = free_port()
    log = log or Path(os.environ["XINQIAO_VAR_DIR"]) / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        SERVERS[base] = server.pid
        tasks = None
        if worker:
            tasks = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
                [sys.executable, str(ROOT / "manage.py"), "run_huey", "--quiet"],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            SERVERS[base + "#worker"] = tasks.pid
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=2)  # noqa: S310 - loopback
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError(f"the server stopped: see {log}") from None
                    time.sleep(0.1)
            else:
                raise RuntimeError(f"the server did not answer within 20 s: see {log}")
            yield base
        finally:
            for process in (server, tasks):
                if process is None:
                    continue
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()


def server_errors(log: Path) -> list[str]:
    """The tracebacks' last lines in a server log (what a 500 raised)."""
    lines = log.read_text(errors="replace").splitlines()
    return [line for n, line in enumerate(lines) if n and lines[n - 1].startswith("  ") and ": " in line]


def login_cookies(username: str) -> dict[str, str]:
    """A logged-in session for ``username`` (as after a password and, where the role needs it, a
    second factor: the demo accounts need none in demo mode), as the cookie a browser would hold."""
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def page_messages(html: str) -> list[str]:
    """The messages a form or job page shows, as plain text: the form's errors, the import job's
    notice and the rows of its error table (not the site-wide banners)."""
    import re
    from html import unescape

    found = re.findall(r'<div class="(?:error|form-errors)" role="alert">(.*?)</div>', html, flags=re.S)
    found += re.findall(r'<p class="notice"[^>]*>(.*?)</p>', html, flags=re.S)
    errors = re.search(r'<table[^>]*id="import-errors".*?</table>', html, flags=re.S)
    found += re.findall(r"<td>([^<]+)</td></tr>", errors.group(0)) if errors else []
    return [unescape(re.sub(r"<[^>]+>", " ", text)).strip() for text in found if text.strip()]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
