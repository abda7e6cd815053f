"""The overdue-contact selector of volunteers (PRG-5) against plain SQL, same data, same run.

    .venv/bin/python bench/volunteer_contact_bench.py [--assignments N] [--visits V]

Sets up a throw-away var directory and SQLite database, creates one coordinator, volunteers with
five assignments each, N residents and N assignments (default 10 000; one in ten proposed or ended,
the rest active, every frequency, activated over the last 120 days) and about V visits an
assignment (default 4; one in three without contact, so the clock must skip it), bulk-created
(fixture setup, not measured). Then times the three reads of ``volunteers.selectors`` that every
list, tile and reminder uses — ``contact_due``, ``contact_overdue`` (7 days past due) and
``contact_try_again`` (3 days after a visit without contact) — each read whole (id and due time),
against one plain SQL statement each that computes the same from the same tables (last contact by
MAX, the activation when none, plus the frequency). Both must give the same rows and due times,
or the script prints FAILED and exits 1. Best of 5.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The clock of an active assignment: its last visit with contact made (else its activation) plus
# its frequency. Datetimes are stored by Django on SQLite as UTC text, so julianday() reads them.
CLOCK = """
SELECT a.id,
       COALESCE(c.last_contact, a.activated_at) AS base,
       a.frequency_days,
       c.last_contact,
       t.last_attempt
FROM volunteers_visitassignment a
LEFT JOIN (SELECT assignment_id, MAX(visited_at) AS last_contact FROM volunteers_visit
           WHERE contact_made GROUP BY assignment_id) c ON c.assignment_id = a.id
LEFT JOIN (SELECT assignment_id, MAX(visited_at) AS last_attempt FROM volunteers_visit
           GROUP BY assignment_id) t ON t.assignment_id = a.id
WHERE a.status = 'active'
"""
DUE = (
    f"SELECT id, base, frequency_days FROM ({CLOCK}) WHERE julianday(base) + frequency_days <= julianday(%s)"
)
TRY_AGAIN = (
    f"SELECT id, base, frequency_days FROM ({CLOCK}) WHERE julianday(base) + frequency_days <= julianday(%s)"
    " AND (last_contact IS NULL OR last_attempt > last_contact) AND julianday(last_attempt) <= julianday(%s)"
)


def setup_django(var_dir: Path) -> None:
    os.environ["XINQIAO_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "xinqiao.settings"
    os.environ.setdefault("XINQIAO_ENV", "development")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_fixture(assignments: int, visits: int, now: datetime, rng: random.Random) -> tuple[int, int]:
    from django.conf import settings

    from accounts.models import User
    from accounts.services import user_create
    from archives.models import Resident
    from confidentiality.roles import Role
    from orgs.models import UnitKind
    from orgs.services import org_unit_create
    from volunteers.models import Visit, VisitAssignment, VolunteerProfile

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = org_unit_create(actor=None, name="基准区", kind=UnitKind.DISTRICT, parent=None)
    coordinator, _ = user_create(
        actor=None, username="bench_coordinator", full_name="基准 协调员", role=Role.COUNSELLOR, org_unit=unit
    )
    # Fixture setup: rows made in bulk, no service checks (the selector is what is measured).
    users = User.objects.bulk_create(
        [
            User(username=f"vol{n:05d}", full_name=f"志愿者{n}", role=Role.VOLUNTEER, org_unit=unit)
            for n in range((assignments + 4) // 5)
        ],
        batch_size=1000,
    )
    profiles = VolunteerProfile.objects.bulk_create(
        [
            VolunteerProfile(user=u, coordinator=coordinator, status="active", created_by=coordinator)
            for u in users
        ],
        batch_size=1000,
    )
    residents = Resident.objects.bulk_create(
        [
            Resident(
                name=f"居民{n:05d}",
                name_pinyin="jumin",
                name_initials="jm",
                org_unit=unit,
                created_by=coordinator,
            )
            for n in range(assignments)
        ],
        batch_size=1000,
    )
    rows = []
    for n, resident in enumerate(residents):
        draw = rng.random()
        status = "proposed" if draw < 0.05 else "ended" if draw < 0.1 else "active"
        activated = now - timedelta(days=rng.randint(1, 120), seconds=rng.randint(0, 86_399))
        rows.append(
            VisitAssignment(
                volunteer=profiles[n // 5],
                resident=resident,
                reason="empty_nest",
                frequency_days=rng.choice((7, 14, 30)),
                status=status,
                activated_at=None if status == "proposed" else activated,
                created_by=coordinator,
            )
        )
    made = VisitAssignment.objects.bulk_create(rows, batch_size=1000)
    visit_rows = []
    for assignment in made:
        if assignment.activated_at is None:
            continue
        span = max(1, int((now - assignment.activated_at).total_seconds()))
        for _ in range(rng.randint(0, 2 * visits)):
            visit_rows.append(
                Visit(
                    assignment=assignment,
                    visited_at=assignment.activated_at + timedelta(seconds=rng.randint(0, span)),
                    mode="home",
                    contact_made=rng.random() > 1 / 3,
                    duration_minutes=30,
                    created_by=assignment.volunteer.user,
                )
            )
    Visit.objects.bulk_create(visit_rows, batch_size=2000)
    return len(made), len(visit_rows)


def parse(value) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def best_of(runs: int, function) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", type=int, default=10_000)
    parser.add_argument("--visits", type=int, default=4)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="xinqiao-volunteer-bench-"))
    try:
        setup_django(var_dir)
        from django.conf import settings
        from django.db import connection, reset_queries

        from volunteers import conf, selectors

        rng = random.Random(2026)  # noqa: S311 - reproducible data, not secrets
        # Whole seconds, so the SQL's julianday() and Python's datetimes compare exactly.
        now = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
        started = time.perf_counter()
        count, visit_count = make_fixture(args.assignments, args.visits, now, rng)
        print(f"fixture: {count} assignments, {visit_count} visits in {time.perf_counter() - started:.1f} s")

        def app():
            return {
                "due": selectors.contact_due(now=now),
                "overdue": selectors.contact_overdue(now=now),
                "try again": selectors.contact_try_again(now=now),
            }

        def measured():
            return {
                name: sorted((row.pk, row.contact_due_at) for row in queryset)
                for name, queryset in app().items()
            }

        def sql(statement, *params):
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return sorted(
                    (pk, parse(base) + timedelta(days=frequency)) for pk, base, frequency in cursor.fetchall()
                )

        def raw():
            stamp = now.strftime("%Y-%m-%d %H:%M:%S")
            overdue = (now - timedelta(days=conf.coordinator_after_days())).strftime("%Y-%m-%d %H:%M:%S")
            tried = (now - timedelta(days=conf.try_again_days())).strftime("%Y-%m-%d %H:%M:%S")
            return {
                "due": sql(DUE, stamp),
                "overdue": sql(DUE, overdue),
                "try again": sql(TRY_AGAIN, stamp, tried),
            }

        app_time, ours = best_of(5, measured)
        raw_time, theirs = best_of(5, raw)
        settings.DEBUG = True
        reset_queries()
        measured()
        app_queries = len(connection.queries)
        settings.DEBUG = False
        ok = True
        for name in ours:
            same = ours[name] == theirs[name]
            ok = ok and same
            print(
                f"  {name}: {len(ours[name])} assignments (plain SQL {len(theirs[name])})"
                + ("" if same else " MISMATCH")
            )
        print(
            f"contact clock, {count} assignments: {app_time * 1000:.1f} ms "
            f"({app_queries} queries for the three reads) vs raw SQL {raw_time * 1000:.1f} ms (3 queries) "
            f"→ ratio {app_time / raw_time:.2f}"
        )
        ok = ok and app_queries == 3 and all(ours.values())
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
