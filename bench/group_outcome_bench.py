"""Group outcome reports (PRG-2): the app's report against plain SQL + Python on the same data.

    .venv/bin/python bench/group_outcome_bench.py [--groups N] [--members M]

Sets up a throw-away var directory and SQLite database, migrates, and bulk-creates (fixture setup,
not measured) N finished groups of 8 held sessions and M members each, with attendance (about one
absence in eight), a PHQ-9 pre score for every member, a post score for about nine in ten, and
distractor scores outside the windows that the pairing must ignore.

Measured: ``groupcounselling.selectors.outcome_for_reader`` for every group, as the project lead
(aggregates) reads it — completers and all enrolled, every figure. Baseline, in the same run: one
plain SQL query for all the groups' windows, one for attendance counts and one for the scores,
then pairing and the statistics in plain Python (``statistics``, scipy's t distribution, and the
signed-rank p by listing all 2ⁿ sign assignments with numpy).
Every figure of every group must agree to 1e-9, or the script fails. Then the report page's
query count is taken for a group of M members and for one of 3·M: they must be equal.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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


def make_fixture(groups: int, members: int, rng: random.Random):
    from django.conf import settings
    from django.utils import timezone

    from accounts.services import user_create
    from archives.models import Archive, Resident
    from assessments.models import Assessment
    from confidentiality.roles import Role
    from groupcounselling.models import Attendance, GroupMember, GroupProgramme, GroupSession
    from orgs.models import UnitKind
    from orgs.services import org_unit_create

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unit = org_unit_create(actor=None, name="基准区", kind=UnitKind.DISTRICT, parent=None)
    leader, _ = user_create(
        actor=None, username="bench_leader", full_name="基准 咨询师", role=Role.COUNSELLOR, org_unit=unit
    )
    lead, _ = user_create(
        actor=None, username="bench_lead", full_name="基准 项目负责人", role=Role.PROJECT_LEAD, org_unit=unit
    )
    now = timezone.now().replace(microsecond=0)

    def build(count: int, size: int, offset: int) -> list[int]:
        residents = Resident.objects.bulk_create(
            [
                Resident(
                    name=f"组员{offset + n:05d}",
                    name_pinyin="zuyuan",
                    name_initials="zy",
                    org_unit=unit,
                    created_by=leader,
                )
                for n in range(count * size)
            ],
            batch_size=1000,
        )
        Archive.objects.bulk_create(
            [Archive(resident=r, number=f"XQG-{r.pk:06d}", last_activity_at=now) for r in residents],
            batch_size=1000,
        )
        programmes = GroupProgramme.objects.bulk_create(
            [
                GroupProgramme(
                    name=f"基准团体{offset + g:04d}",
                    status=GroupProgramme.Status.FINISHED,
                    org_unit=unit,
                    first_session_at=now - timedelta(days=90),
                    instruments=["phq9"],
                    primary_instrument="phq9",
                    created_by=leader,
                )
                for g in range(count)
            ]
        )
        for programme in programmes:
            programme.leaders.add(leader)
        sessions = GroupSession.objects.bulk_create(
            [
                GroupSession(
                    programme=p,
                    number=k + 1,
                    starts_at=p.first_session_at + timedelta(days=7 * k),
                    duration_minutes=90,
                    status=GroupSession.Status.HELD,
                )
                for p in programmes
                for k in range(8)
            ],
            batch_size=1000,
        )
        by_programme = {}
        for session in sessions:
            by_programme.setdefault(session.programme_id, []).append(session)
        group_members = GroupMember.objects.bulk_create(
            [
                GroupMember(
                    programme=p,
                    resident=residents[i * size + j],
                    status=GroupMember.Status.COMPLETED,
                    enrolled_at=p.first_session_at - timedelta(days=20),
                    added_by=leader,
                )
                for i, p in enumerate(programmes)
                for j in range(size)
            ],
            batch_size=1000,
        )
        attendances, scores = [], []
        for member in group_members:
            own = by_programme[member.programme_id]
            for session in own:
                mark = "absent" if rng.random() < 0.125 else rng.choice(["attended"] * 7 + ["late"])
                attendances.append(Attendance(session=session, member=member, mark=mark, recorded_by=leader))
            first, last = own[0].starts_at, own[-1].starts_at
            pre = rng.randint(6, 22)

            def score(at, total, member=member):
                answers = "[" + ",".join(["0"] * 9) + "]"
                scores.append(
                    Assessment(
                        resident_id=member.resident_id,
                        instrument_code="phq9",
                        instrument_version="1",
                        answers=answers,
                        valid=True,
                        total=float(total),
                        administered_at=at,
                        administered_by=leader,
                    )
                )

            score(first - timedelta(days=40), rng.randint(0, 27))  # before the pre window: ignored
            score(first - timedelta(days=10), rng.randint(0, 27))  # in the window, not the last
            score(first - timedelta(days=2), pre)  # the last in the pre window: the pre score
            if rng.random() < 0.9:
                score(last + timedelta(days=3), max(0, pre - rng.randint(-3, 9)))  # the post score
                score(last + timedelta(days=10), rng.randint(0, 27))  # later in the window: ignored
            score(last + timedelta(days=30), rng.randint(0, 27))  # after the post window: ignored
        Attendance.objects.bulk_create(attendances, batch_size=2000)
        Assessment.objects.bulk_create(scores, batch_size=2000)
        return [p.pk for p in programmes]

    ids = build(groups, members, 0)
    big = build(1, members * 3, groups * members)[0]
    return leader, lead, ids, big


# -- the baseline: plain SQL and plain Python ------------------------------------------------------


def baseline(ids: list[int]) -> dict[int, dict]:
    from django.db import connection
    from scipy import stats

    marks = ("attended", "late")
    placeholders = ",".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT p.id, p.pre_window_days, p.post_window_days, p.completer_numerator,
                       p.completer_denominator, MIN(s.starts_at), MAX(s.starts_at), COUNT(s.id),
                       MIN(s.duration_minutes)
                FROM groupcounselling_groupprogramme p
                JOIN groupcounselling_groupsession s ON s.programme_id = p.id AND s.status = 'held'
                WHERE p.id IN ({placeholders}) GROUP BY p.id""",
            ids,
        )
        programmes = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(
            f"""SELECT m.programme_id, m.id, m.resident_id,
                       (SELECT COUNT(*) FROM groupcounselling_attendance a
                         WHERE a.member_id = m.id AND a.mark IN (%s, %s))
                FROM groupcounselling_groupmember m
                WHERE m.programme_id IN ({placeholders}) AND m.enrolled_at IS NOT NULL""",
            [*marks, *ids],
        )
        members = cursor.fetchall()
        cursor.execute(
            f"""SELECT a.resident_id, a.administered_at, a.total FROM assessments_assessment a
                JOIN groupcounselling_groupmember m ON m.resident_id = a.resident_id
                WHERE m.programme_id IN ({placeholders}) AND a.instrument_code = 'phq9' AND a.valid
                  AND NOT EXISTS (SELECT 1 FROM assessments_assessment b WHERE b.supersedes_id = a.id)""",
            ids,
        )
        scores = {}
        for resident_id, at, total in cursor.fetchall():
            scores.setdefault(resident_id, []).append((parse(at), total))

    sd_diff = math.sqrt(2) * 3.5 * math.sqrt(1 - 0.86)  # PHQ-9 file: r 0.86, SD 3.5
    results = {}
    for pid, (pre_days, post_days, num, den, first, last, held, minutes) in programmes.items():
        first, last = parse(first), parse(last)
        pre_window = (first - timedelta(days=pre_days), first + timedelta(minutes=minutes))
        post_window = (last, last + timedelta(minutes=minutes) + timedelta(days=post_days))
        threshold = math.ceil(held * num / den)
        populations = {"enrolled": [], "completers": []}
        for programme_id, _member_id, resident_id, attended in members:
            if programme_id != pid:
                continue
            own = scores.get(resident_id, [])
            pres = [s for s in own if pre_window[0] <= s[0] <= pre_window[1]]
            posts = [s for s in own if post_window[0] <= s[0] <= post_window[1]]
            pair = (max(pres)[1] if pres else None, min(posts)[1] if posts else None)
            populations["enrolled"].append(pair)
            if attended >= threshold:
                populations["completers"].append(pair)
        results[pid] = {}
        for name, pairs in populations.items():
            complete = [(a, b) for a, b in pairs if a is not None and b is not None]
            n = len(complete)
            figures = {"n_paired": n}
            changes = [a - b for a, b in complete]
            figures["improved"] = sum(1 for c in changes if c / sd_diff > 1.96)
            if n >= 5:
                mean, sd = statistics.fmean(changes), statistics.stdev(changes)
                figures["mean_change"], figures["sd_change"] = mean, sd
                figures["r"] = statistics.correlation([a for a, _ in complete], [b for _, b in complete])
                if sd > 0:
                    d_z = mean / sd
                    t = mean / (sd / math.sqrt(n))
                    figures |= {
                        "d_z": d_z,
                        "g_z": (1 - 3 / (4 * (n - 1) - 1)) * d_z,
                        "t": t,
                        "p_t": float(2 * stats.t.sf(abs(t), n - 1)),
                    }
                if any(changes):
                    figures["p_wilcoxon"] = brute_force_signed_rank_p(changes)
            results[pid][name] = figures
    return results


def brute_force_signed_rank_p(changes) -> float:
    """The signed-rank p by listing every one of the 2ⁿ sign assignments (numpy), zeros dropped,
    mid-ranks for ties: independent of the app's counting."""
    import numpy as np
    from scipy.stats import rankdata

    d = np.array([c for c in changes if c != 0], dtype=float)
    ranks = rankdata(np.abs(d))
    observed = ranks[d > 0].sum()
    signs = (np.arange(2 ** len(d))[:, None] >> np.arange(len(d))) & 1
    sums = signs @ ranks
    tol = 1e-9
    return min(1.0, 2 * min((sums <= observed + tol).mean(), (sums >= observed - tol).mean()))


def parse(value):
    from datetime import UTC, datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def measured(lead, ids: list[int]) -> dict[int, dict]:
    from groupcounselling.models import GroupProgramme
    from groupcounselling.selectors import outcome_for_reader

    results = {}
    for programme in GroupProgramme.objects.filter(pk__in=ids).select_related("org_unit"):
        view = outcome_for_reader(lead, programme, "phq9")
        results[programme.pk] = {}
        for name in ("enrolled", "completers"):
            report = getattr(view["outcome"], name)
            figures = {"n_paired": report.n_paired, "improved": report.improved}
            for key in ("mean_change", "sd_change", "r", "d_z", "g_z", "t", "p_t", "p_wilcoxon"):
                if getattr(report, key) is not None:
                    figures[key] = getattr(report, key)
            results[programme.pk][name] = figures
    return results


def compare(a: dict, b: dict) -> int:
    mismatches = 0
    for pid, populations in a.items():
        for name, figures in populations.items():
            other = b[pid][name]
            if set(figures) != set(other) or any(abs(figures[k] - other[k]) > 1e-9 for k in figures):
                mismatches += 1
                if mismatches <= 3:
                    print(f"  mismatch group {pid} {name}: {figures} vs {other}")
    return mismatches


def page_queries(leader, pk: int) -> tuple[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    leader.must_change_password = False  # created without a password: not what is measured
    leader.save(update_fields=["must_change_password"])
    client = Client()
    client.force_login(leader)
    device = TOTPDevice.objects.create(user=leader, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("groupcounselling:report", args=[pk]), HTTP_HOST="127.0.0.1")
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    return len(queries), response.content.count(b"<tr>")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--members", type=int, default=12)
    args = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="xinqiao-groups-bench-"))
    try:
        setup_django(var_dir)
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["*"]
        rng = random.Random(2026)  # noqa: S311 - reproducible data, not secrets
        started = time.perf_counter()
        leader, lead, ids, big = make_fixture(args.groups, args.members, rng)
        print(
            f"fixture: {args.groups} groups × {args.members} members in {time.perf_counter() - started:.1f} s"
        )

        from django.db import connection, reset_queries

        settings.DEBUG = True
        best_app, best_raw = math.inf, math.inf
        for _run in range(3):
            reset_queries()
            t0 = time.perf_counter()
            app = measured(lead, ids)
            best_app = min(best_app, time.perf_counter() - t0)
            app_queries = len(connection.queries)
            reset_queries()
            t0 = time.perf_counter()
            raw = baseline(ids)
            best_raw = min(best_raw, time.perf_counter() - t0)
            raw_queries = len(connection.queries)
        settings.DEBUG = False
        mismatches = compare(app, raw)
        print(
            f"outcome report, {args.groups} groups × {args.members} members: {best_app * 1000:.0f} ms "
            f"({app_queries} queries, {app_queries / args.groups:.1f} a group) vs plain SQL + Python "
            f"{best_raw * 1000:.0f} ms ({raw_queries} queries) → ratio {best_app / best_raw:.1f}"
        )
        print(f"figures compared: {2 * len(app)} populations, mismatches: {mismatches}")
        small, _ = page_queries(leader, ids[0])
        large, _ = page_queries(leader, big)
        print(
            f"report page queries: {small} for {args.members} members, {large} for {3 * args.members} members"
        )
        ok = mismatches == 0 and small == large
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
