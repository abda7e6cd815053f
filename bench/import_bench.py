"""Bulk entry (SCR-2): the real import path against a raw SQLite insert of the same rows.

    .venv/bin/python bench/import_bench.py [--rows N] [--residents M]

Sets up a throw-away var directory and SQLite database, migrates, creates an org unit, a
director, M residents (bulk-created with precomputed blind indexes: fixture setup, not measured)
and a running PHQ-9 campaign, then writes N rows as a CSV file and times
``import_validate_and_store`` on it: every row checked (ID number, resident by blind index, name,
date, answers, score), then stored in one transaction with a response, an encrypted assessment and
the risk signals. The baseline, in the same process, is ``sqlite3.executemany`` of the same rows
(resident id, date, answers JSON, total, band, precomputed) into a bare table of another file
with the same pragmas. Prints rows/s of both, their ratio (real ÷ raw), the number of queries,
and peak memory: the process's maxrss before and after the import, and with --tracemalloc the
tracemalloc peak of a second import into another campaign (tracing slows Python down several
times, so the timed run goes without it).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


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


def make_fixture(residents: int, days: int):
    """Org unit, director, residents with archives, a running campaign (not measured)."""
    from django.conf import settings
    from django.utils import timezone

    from accounts.services import user_create
    from archives.models import Archive, DocumentType, Resident
    from archives.services import ID_INDEX_PURPOSE
    from confidentiality.roles import Role
    from lib.encryption import blind_index
    from lib.identity import prc_id_check_character
    from orgs.models import UnitKind
    from orgs.services import org_unit_create
    from screening.services import campaign_create, campaign_set_status

    # Argon2 is deliberately slow and takes ~100 MB; the director's password is not what is measured.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = org_unit_create(actor=None, name="基准区", kind=UnitKind.DISTRICT, parent=None)
    director, _ = user_create(
        actor=None,
        username="bench_director",
        full_name="基准 主任",
        role=Role.DIRECTOR,
        org_unit=unit,
    )
    people = []
    for n in range(residents):
        first17 = f"330106{1950 + n // 1000:04d}0101{n % 1000:03d}"
        number = first17 + prc_id_check_character(first17)
        people.append((f"居民{n:05d}", number))
    Resident.objects.bulk_create(
        [
            Resident(
                name=name,
                name_pinyin=f"jumin{n:05d}",
                name_initials="jm",
                sex="M" if int(number[16]) % 2 else "F",
                document_type=DocumentType.PRC_ID,
                id_number=number,
                id_number_index=blind_index(f"prc_id:{number}", purpose=ID_INDEX_PURPOSE),
                org_unit=unit,
                created_by=director,
            )
            for n, (name, number) in enumerate(people)
        ],
        batch_size=1000,
    )
    now = timezone.now()
    Archive.objects.bulk_create(
        [
            Archive(resident_id=pk, number=f"XQBENCH-{pk:06d}", last_activity_at=now)
            for pk in Resident.objects.values_list("pk", flat=True)
        ],
        batch_size=1000,
    )
    today = timezone.localdate()

    def campaign(name):
        created = campaign_create(
            actor=director,
            name=name,
            instruments=["phq9"],
            target_units=[unit],
            target_tags=[],
            starts_on=today - timedelta(days=days),
            ends_on=today,
            identification="id_number",
        )
        return campaign_set_status(actor=director, campaign=created, status="running")

    return director, people, campaign


def make_rows(people, count: int, today):
    """N rows over the residents, each person on different days; answers mostly low, 5 % severe,
    about 8 % with a risk signal."""
    rng = random.Random(20240501)  # noqa: S311 - reproducible data, not secrets
    rows = []
    for i in range(count):
        name, number = people[i % len(people)]
        day = today - timedelta(days=i // len(people))
        high = rng.random() < 0.05
        answers = [rng.choice((2, 3) if high else (0, 0, 0, 1, 1, 2)) for _ in range(8)]
        answers.append(rng.choice((1, 2)) if high or rng.random() < 0.03 else 0)  # item 9: self-harm
        rows.append((name, number, day.isoformat(), answers))
    return rows


def write_csv(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "id_number", "date", *[f"item_{n}" for n in range(1, 10)]])
        for name, number, day, answers in rows:
            writer.writerow([name, number, day, *answers])


def raw_insert(path: Path, rows, resident_ids: dict[str, int]) -> float:
    """The baseline: the same rows, precomputed, into a bare table with one executemany."""
    import json

    from assessments.library import get_instrument
    from assessments.scoring import score

    phq9 = get_instrument("phq9")
    prepared = []
    for _name, number, day, answers in rows:
        result = score(phq9, answers)
        prepared.append((resident_ids[number], day, json.dumps(answers), result.total, result.band))
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    db.execute(
        "CREATE TABLE result (id INTEGER PRIMARY KEY, resident_id INTEGER, day TEXT, answers TEXT,"
        " total REAL, band TEXT)"
    )
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        "INSERT INTO result (resident_id, day, answers, total, band) VALUES (?, ?, ?, ?, ?)", prepared
    )
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    (stored,) = db.execute("SELECT count(*) FROM result").fetchone()
    assert stored == len(rows)
    db.close()
    return elapsed


# The tables one import writes, and how to find one campaign's rows in each.
STORED_ROWS = {
    "assessments_campaignresponse": "campaign_id = ?",
    "assessments_assessment": "campaign_id = ?",
    "assessments_risksignal": (
        "assessment_id IN (SELECT id FROM assessments_assessment WHERE campaign_id = ?)"
    ),
}
STORED_TABLES = tuple(STORED_ROWS)


def stored_rows_insert(source: Path, path: Path, campaign_id: int) -> tuple[float, int]:
    """The floor: what the import stored (the same encrypted rows of its three tables, read back
    from its database), inserted with one executemany a table into empty copies of those tables
    with their indexes, in one transaction. No Python work per row is left: no import into the
    real tables can be faster than this."""
    src = sqlite3.connect(source)
    schema = [
        sql
        for (sql,) in src.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN (?, ?, ?) AND sql IS NOT NULL"
            " ORDER BY type DESC",  # tables before their indexes
            STORED_TABLES,
        )
    ]
    data = {}
    for table, where in STORED_ROWS.items():
        cursor = src.execute(f"SELECT * FROM {table} WHERE {where}", (campaign_id,))
        columns = [column[0] for column in cursor.description]
        data[table] = (columns, cursor.fetchall())
    src.close()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    for sql in schema:
        db.execute(sql)
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    for table, (columns, rows) in data.items():
        marks = ", ".join("?" for _ in columns)
        db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed, sum(len(rows) for _columns, rows in data.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace a second import's allocations (slow: several times the import's time)",
    )
    args = parser.parse_args()
    days = -(-args.rows // args.residents) + 1

    var_dir = Path(tempfile.mkdtemp(prefix="xinqiao-import-bench-"))
    setup_django(var_dir)
    from django.db import connection
    from django.utils import timezone

    from archives.models import Resident
    from assessments.models import Assessment
    from screening.imports import import_validate_and_store

    started = time.perf_counter()
    director, people, new_campaign = make_fixture(args.residents, days)
    rows = make_rows(people, args.rows, timezone.localdate())
    csv_path = var_dir / "rows.csv"
    write_csv(csv_path, rows)
    resident_ids = {
        number: pk
        for pk, number in zip(
            Resident.objects.order_by("pk").values_list("pk", flat=True), [n for _, n in people], strict=True
        )
    }
    print(
        f"setup (not measured): {args.residents} residents, {args.rows} rows, "
        f"{csv_path.stat().st_size / 1e6:.1f} MB CSV, {time.perf_counter() - started:.1f} s"
    )

    queries = [0]
    marks: list[float] = []

    def mark(stage, done, total):  # when the check has ended and saving starts
        if stage == "saving" and done == 0:
            marks.append(time.perf_counter())

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    campaign = new_campaign("基准导入")
    rss_before = maxrss_mb()
    with connection.execute_wrapper(count), csv_path.open("rb") as file:
        started = time.perf_counter()
        summary = import_validate_and_store(
            actor=director,
            campaign=campaign,
            instrument_code="phq9",
            file=file,
            file_format="csv",
            progress=mark,
        )
        real = time.perf_counter() - started
    assert summary.rows_stored == args.rows == Assessment.objects.filter(campaign=campaign).count()
    rss_after = maxrss_mb()

    raw = min(raw_insert(var_dir / f"raw{i}.sqlite3", rows, resident_ids) for i in range(3))
    floors = [
        stored_rows_insert(var_dir / "bench.sqlite3", var_dir / f"floor{i}.sqlite3", campaign.pk)
        for i in range(3)
    ]
    floor, floor_rows = min(floors)

    traced = None
    if args.tracemalloc:
        campaign = new_campaign("基准导入（内存）")
        tracemalloc.start()
        with csv_path.open("rb") as file:
            import_validate_and_store(
                actor=director, campaign=campaign, instrument_code="phq9", file=file, file_format="csv"
            )
        traced = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()

    real_rate, raw_rate = args.rows / real, args.rows / raw
    checking = marks[0] - started
    print(
        f"import, {args.rows} rows: {real:.2f} s = {real_rate:,.0f} rows/s "
        f"(check {checking:.2f} s, store {real - checking:.2f} s; "
        f"{summary.signals_raised} risk signals, {queries[0]} queries)"
    )
    print(f"raw sqlite3 executemany, same rows: {raw:.3f} s = {raw_rate:,.0f} rows/s (best of 3)")
    print(f"ratio (real ÷ raw rows/s): {real_rate / raw_rate:.3f}")
    floor_rate = args.rows / floor
    print(
        f"floor, the import's own stored rows ({floor_rows} in 3 indexed tables) re-inserted by executemany: "
        f"{floor:.3f} s = {floor_rate:,.0f} rows/s, ratio {floor_rate / raw_rate:.3f} "
        "(the best any import into these tables could reach)"
    )
    print(f"maxrss: {rss_before:.0f} MB before the import, {rss_after:.0f} MB after (process peak)")
    if traced is not None:
        print(f"tracemalloc peak of one import: {traced:.0f} MB")
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}"
    )
    connection.close()
    shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
