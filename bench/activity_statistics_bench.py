"""Activity statistics (PRG-1): the selector the page, the export and the API use, against plain
SQL plus Python on the same data, in the same process.

    .venv/bin/python bench/activity_statistics_bench.py [--activities N] [--registrations M]

Sets up a throw-away var directory and SQLite database, migrates, creates a district with eight
communities and a site in each, a project lead, N held activities spread over twelve months
(lectures, workshops, parent-school sessions, mental-health-month events; one in eight also
with headcounts) with M registrations
each (bulk-created over a pool of people, so many come more than once; 90 % attended, 5 % late,
5 % no-show; fixture setup, not measured). Then times ``activities.selectors.activity_statistics``
(best of 3) and the baseline: four SQL statements (sessions per cell from the union of declared
audience groups, attendance groups and headcount groups; attendances and distinct people per
cell; headcounts per cell; distinct people overall) combined in Python. The two must give the
same figures in every cell and in the totals, or the script fails. Prints both times, their
ratio and the selector's number of queries.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KINDS = ["lecture", "workshop", "parent_school", "mental_health_month"]
GROUPS = ["residents", "parents", "students", "elderly"]


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


def make_fixture(n_activities: int, per_activity: int):
    from django.conf import settings
    from django.utils import timezone

    from accounts.services import user_create
    from activities.models import Activity, Headcount, Registration
    from orgs.models import UnitKind
    from orgs.services import org_unit_create, service_site_create

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    district = org_unit_create(actor=None, name="基准区", kind=UnitKind.DISTRICT, parent=None)
    street = org_unit_create(actor=None, name="基准街道", kind=UnitKind.SUBDISTRICT, parent=district)
    sites = []
    for i in range(8):
        unit = org_unit_create(actor=None, name=f"社区{i}", kind=UnitKind.COMMUNITY, parent=street)
        sites.append(service_site_create(actor=None, name=f"活动室{i}", org_unit=unit))
    lead, _ = user_create(
        actor=None, username="bench_lead", full_name="基准 负责人", role="project_lead", org_unit=district
    )
    rng = random.Random(20261207)  # noqa: S311  (reproducible fixture data, nothing secret)
    today = timezone.localdate()
    activities = []
    for i in range(n_activities):
        day = today - timedelta(days=rng.randrange(1, 365))
        starts = timezone.make_aware(datetime.combine(day, dtime(12)))
        kind = KINDS[i % len(KINDS)]
        groups = rng.sample(GROUPS, rng.choice([1, 1, 2]))
        activities.append(
            Activity(
                title=f"活动{i}",
                kind=kind,
                site=sites[i % len(sites)],
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                audience_groups=groups,
                registration_mode="open",
                status="held" if i % 7 else "summarised",
                checkin_token=f"c{i}",
                organiser=lead,
            )
        )
    Activity.objects.bulk_create(activities, batch_size=1000)
    activities = list(Activity.objects.order_by("pk"))
    pool = [f"{i:064x}" for i in range(n_activities * per_activity // 6)]
    rows, headcounts = [], []
    for activity in activities:
        if activity.pk % 8 == 0:
            # Some also count people whose names were not taken (a board beside the lecture).
            for group in activity.audience_groups:
                headcounts.append(
                    Headcount(
                        activity=activity,
                        audience_group=group,
                        count=rng.randrange(50, 400),
                        method="estimated",
                        recorded_by=lead,
                    )
                )
        for person in rng.sample(range(len(pool)), per_activity):
            roll = rng.random()
            status = "attended" if roll < 0.9 else ("late" if roll < 0.95 else "no_show")
            rows.append(
                Registration(
                    activity=activity,
                    name=f"居民{person}",
                    name_key=f"居民{person}",
                    phone_index=pool[person],
                    audience_group=rng.choice(activity.audience_groups),
                    channel="portal",
                    status=status,
                    token=f"t{activity.pk}-{person}",
                )
            )
    Registration.objects.bulk_create(rows, batch_size=2000)
    Headcount.objects.bulk_create(headcounts, batch_size=1000)
    return lead, len(rows), len(headcounts)


def plain_sql(unit_path: str) -> dict:
    """The same figures from SQL and a few lines of Python."""
    from django.db import connection

    held = """
        WITH held AS (
            SELECT a.id, a.kind, s.org_unit_id AS unit, strftime('%%Y-%%m', a.starts_at) AS month
            FROM activities_activity a
            JOIN orgs_servicesite s ON s.id = a.site_id
            JOIN orgs_orgunit u ON u.id = s.org_unit_id
            WHERE a.status IN ('held', 'summarised') AND u.path LIKE %s
        )
    """
    params = [unit_path + "%"]
    person = "COALESCE('r' || r.resident_id, 'p' || r.name_key || '|' || r.phone_index)"
    present = "r.status IN ('attended', 'late')"
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, 0])
    with connection.cursor() as cursor:
        cursor.execute(
            held
            + f"""
            , pairs AS (
                SELECT h.id, j.value AS grp FROM held h
                JOIN activities_activity a ON a.id = h.id, json_each(a.audience_groups) j
                UNION SELECT r.activity_id, r.audience_group FROM activities_registration r
                    JOIN held h ON h.id = r.activity_id WHERE {present}
                UNION SELECT c.activity_id, c.audience_group FROM activities_headcount c
                    JOIN held h ON h.id = c.activity_id
            )
            SELECT h.kind, p.grp, h.unit, h.month, COUNT(DISTINCT h.id)
            FROM pairs p JOIN held h ON h.id = p.id GROUP BY 1, 2, 3, 4
            """,
            params,
        )
        for kind, group, unit, month, sessions in cursor.fetchall():
            cells[(kind, group, unit, month)][0] = sessions
        cursor.execute(
            held
            + f"""
            SELECT h.kind, r.audience_group, h.unit, h.month, COUNT(*), COUNT(DISTINCT {person})
            FROM activities_registration r JOIN held h ON h.id = r.activity_id
            WHERE {present} GROUP BY 1, 2, 3, 4
            """,
            params,
        )
        for kind, group, unit, month, times, persons in cursor.fetchall():
            cells[(kind, group, unit, month)][1] += times
            cells[(kind, group, unit, month)][2] = persons
        cursor.execute(
            held
            + """
            SELECT h.kind, c.audience_group, h.unit, h.month, SUM(c.count)
            FROM activities_headcount c JOIN held h ON h.id = c.activity_id GROUP BY 1, 2, 3, 4
            """,
            params,
        )
        for kind, group, unit, month, count in cursor.fetchall():
            cells[(kind, group, unit, month)][1] += count
        cursor.execute(
            held
            + f"""
            SELECT (SELECT COUNT(*) FROM held), COUNT(DISTINCT {person})
            FROM activities_registration r JOIN held h ON h.id = r.activity_id WHERE {present}
            """,
            params,
        )
        sessions, persons = cursor.fetchone()
    return {
        "cells": dict(cells),
        "sessions": sessions,
        "person_times": sum(c[1] for c in cells.values()),
        "persons": persons,
    }


def best_of(runs: int, function):
    best, result = None, None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=2000)
    parser.add_argument("--registrations", type=int, default=50)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="xinqiao-bench-"))
    try:
        setup_django(var_dir)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from activities.selectors import activity_statistics

        started = time.perf_counter()
        lead, n_rows, n_headcounts = make_fixture(args.activities, args.registrations)
        print(
            f"fixture: {args.activities} activities, {n_rows} registrations, {n_headcounts} headcounts "
            f"({time.perf_counter() - started:.1f} s, not measured)"
        )
        with CaptureQueriesContext(connection) as queries:
            activity_statistics(user=lead)
        selector_time, selected = best_of(3, lambda: activity_statistics(user=lead))
        sql_time, baseline = best_of(3, lambda: plain_sql(lead.org_unit.path))
        mine = {
            (r.kind, r.audience_group, r.unit_id, r.month): [r.sessions, r.person_times, r.persons]
            for r in selected["rows"]
        }
        assert mine == baseline["cells"], "the selector and the SQL disagree on some cell"
        for name in ("sessions", "person_times", "persons"):
            assert selected[name] == baseline[name], f"{name}: {selected[name]} vs {baseline[name]}"
        print(
            f"cells {len(mine)}; sessions {selected['sessions']}, 人次 {selected['person_times']}, "
            f"人数 {selected['persons']} (equal in both)"
        )
        size = f"{args.activities} × {args.registrations}"
        print(
            f"activity statistics, {size}: selector {selector_time * 1000:.0f} ms ({len(queries)} queries) "
            f"vs plain SQL {sql_time * 1000:.0f} ms → ratio {selector_time / sql_time:.2f}"
        )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
