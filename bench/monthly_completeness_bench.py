"""Completeness of monthly reports (PRG-6): the one selector against plain SQL, same data, same run.

    .venv/bin/python bench/monthly_completeness_bench.py [--classes N] [--months M]

Sets up a throw-away var directory and SQLite database, creates a school with N classes (default
2 000, in grades of 50), an assignment per class (February and August off) and, for M months
(default 10, January–October 2026), a report for about 90 % of the classes (about 10 % of those
late). Then times ``monthlyreports.selectors.completeness`` for the whole school, month by month,
against one plain SQL statement a month that counts the same (expected, submitted, on time),
checks that both give the same figures, and prints the times and their ratio (best of 5).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RAW = """
SELECT COUNT(*),
       SUM(EXISTS(SELECT 1 FROM monthlyreports_monthlyreport r
                  WHERE r.assignment_id = a.id AND r.period = %(period)s
                    AND r.first_submitted_at IS NOT NULL)),
       SUM(EXISTS(SELECT 1 FROM monthlyreports_monthlyreport r
                  WHERE r.assignment_id = a.id AND r.period = %(period)s AND r.first_submitted_at IS NOT NULL
                    AND r.on_time))
FROM monthlyreports_reportingassignment a
JOIN orgs_orgunit u ON u.id = a.org_unit_id
WHERE a.is_active AND u.path LIKE %(path)s AND a.months_off NOT LIKE %(month)s
"""


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


def make_fixture(classes: int, months: int):
    from zoneinfo import ZoneInfo

    from accounts.services import user_create
    from confidentiality.roles import Role
    from monthlyreports.models import MonthlyReport, ReportingAssignment
    from orgs.models import UnitKind
    from orgs.services import org_unit_create

    rng = random.Random(13)  # noqa: S311 - reproducible data, not secrets
    warnings.simplefilter("ignore")  # treebeard's deprecation of node.add_child, in fixture setup
    school = org_unit_create(actor=None, name="基准中学", kind=UnitKind.SCHOOL, parent=None)
    people = [
        user_create(actor=None, username=f"u{n}", full_name=f"用户{n}", role=Role.TEACHER, org_unit=school)[0]
        for n in range(3)
    ]
    units = []
    for g in range((classes + 49) // 50):
        grade = org_unit_create(actor=None, name=f"年级{g}", kind=UnitKind.GRADE, parent=school)
        for c in range(min(50, classes - g * 50)):
            units.append(
                grade.add_child(name=f"{g}-{c}班", kind=UnitKind.CLASS)
            )  # fixture: no service checks
    assignments = ReportingAssignment.objects.bulk_create(
        ReportingAssignment(
            org_unit=unit,
            reporter=people[0],
            first_approver=people[1],
            second_approver=people[2],
            months_off=",2,8,",
        )
        for unit in units
    )
    tz = ZoneInfo("Asia/Shanghai")
    reports = []
    for m in range(1, months + 1):
        period = date(2026, m, 1)
        for assignment in assignments:
            if m in (2, 8) or rng.random() > 0.9:
                continue
            reports.append(
                MonthlyReport(
                    assignment=assignment,
                    org_unit=assignment.org_unit,
                    period=period,
                    form_code="psych_monthly",
                    form_version="1",
                    state="submitted",
                    created_by=people[0],
                    first_submitted_at=datetime(2026, m, 28, 10, tzinfo=tz),
                    on_time=rng.random() > 0.1,
                )
            )
    MonthlyReport.objects.bulk_create(reports, batch_size=2000)
    return school, len(reports)


def best_of(runs: int, function) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", type=int, default=2000)
    parser.add_argument("--months", type=int, default=10)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="xinqiao-bench-"))
    try:
        setup_django(var_dir)
        from django.db import connection

        from monthlyreports.selectors import completeness

        started = time.perf_counter()
        school, report_count = make_fixture(args.classes, args.months)
        print(
            f"fixture: {args.classes} classes, {report_count} reports "
            f"in {time.perf_counter() - started:.1f} s"
        )
        periods = [date(2026, m, 1) for m in range(1, args.months + 1)]

        def selector():
            return [completeness(unit=school, period=p) for p in periods]

        def raw():
            rows = []
            with connection.cursor() as cursor:
                for p in periods:
                    cursor.execute(
                        RAW, {"period": p.isoformat(), "path": school.path + "%", "month": f"%,{p.month},%"}
                    )
                    rows.append(tuple(int(v or 0) for v in cursor.fetchone()))
            return rows

        selector_time, figures = best_of(5, selector)
        raw_time, rows = best_of(5, raw)
        ours = [(f.expected, f.submitted, f.on_time) for f in figures]
        assert ours == rows, (ours, rows)
        print(
            f"completeness, {args.classes} classes × {args.months} months: {selector_time * 1000:.1f} ms "
            f"vs raw SQL {raw_time * 1000:.1f} ms → ratio {selector_time / raw_time:.2f}"
        )
        for f in figures:
            print(
                f"  {f.period:%Y-%m}: expected {f.expected}, submitted {f.submitted}, on time {f.on_time}, "
                f"rates {f.reporting_rate} % / {f.on_time_rate} %"
            )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
