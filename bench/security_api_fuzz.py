"""Security battery: Schemathesis against a live server, two roles, every documented operation.

    .venv/bin/python bench/security_api_fuzz.py [--examples N] [--roles counsellor,director] [--seed S]

Starts a scratch instance (temporary var directory, migrated, seeded with the demo data set), runs
``manage.py runserver`` on a loopback port and loads the OpenAPI document it serves
(/api/schema/). For each role it obtains a real token from POST /api/v1/auth/token/ (demo
accounts need no second factor in demo mode) and sends, for every operation, N generated requests
that the schema allows (positive mode) and N that it forbids (negative mode, where the operation
has inputs). Path ids are drawn from the generator and from the rows that exist, so requests
reach real records too. A call that revoked the token is followed by a new token.

Two checks on every response: no server error (status ≥ 500), and the body conforms to the
schema documented for its status code (Schemathesis's ``response_schema_conformance``). Prints,
per role: operations, examples sent, 5xx count, schema violations, and then each distinct failure.
Takes about 14 minutes a role at N=100 on 2 cores; ``make test`` runs the quick in-process version
(api/tests/test_schema_fuzz.py, 25 examples, in-process WSGI).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from security_support import DEMO_PASSWORD, live_server, scratch_instance, server_errors


@dataclass
class RoleRun:
    """One role's requests: its token, and what every response was."""

    role: str
    base: str
    session: object
    strategy_for: object
    examples: int
    seed: int
    key: str | None = None
    sent: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    violations: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def headers(self, *, renew: bool = False) -> dict[str, str]:
        if self.key is None or renew:
            answer = self.session.post(
                f"{self.base}/api/v1/auth/token/",
                json={"username": self.role, "password": DEMO_PASSWORD},
                timeout=30,
            )
            answer.raise_for_status()
            self.key = answer.json()["token"]
        return {"Authorization": f"Token {self.key}"}

    def send(self, case):
        headers = self.headers()
        response = case.call(base_url=self.base, session=self.session, headers=headers, timeout=60)
        if response.status_code == 401:
            # An earlier example revoked the token (POST /auth/token/revoke/): a new one, again.
            headers = self.headers(renew=True)
            response = case.call(base_url=self.base, session=self.session, headers=headers, timeout=60)
        return headers, response

    def operation(self, operation, mode) -> None:
        """N requests for one operation in one mode (more runs if its input space runs out)."""
        from hypothesis import HealthCheck, given, seed
        from hypothesis import settings as hypothesis_settings
        from hypothesis.errors import Unsatisfiable
        from schemathesis.core.failures import FailureGroup
        from schemathesis.specs.openapi.checks import response_schema_conformance

        label = operation.label
        target = self.sent[label] + self.examples

        @hypothesis_settings(
            max_examples=self.examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=self.strategy_for(operation, mode))
        def fuzz(case):
            if self.sent[label] >= target:
                return
            headers, response = self.send(case)
            self.sent[label] += 1
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.errors[label] += 1
                self.failures.setdefault(
                    (self.role, label, f"HTTP {response.status_code}"),
                    f"{case.method} {case.formatted_path} query={case.query!r} body={case.body!r}"[:400],
                )
            try:
                case.validate_response(response, checks=[response_schema_conformance], headers=headers)
            except FailureGroup as group:
                self.violations[label] += 1
                for failure in group.exceptions:
                    self.failures.setdefault(
                        (self.role, label, failure.title),
                        f"{case.method} {case.formatted_path} -> {response.status_code}: {failure.message}"[
                            :600
                        ],
                    )

        # A small input space runs out before N distinct examples: run again, each run from another
        # seed, until N requests have been sent.
        for attempt in range(20):
            if self.sent[label] >= target:
                break
            try:
                seed(self.seed + attempt)(fuzz)()
            except Unsatisfiable:
                break  # nothing in the schema to make invalid (negative mode)

    def summary(self, operations: int) -> dict:
        return {
            "operations": operations,
            "examples": sum(self.sent.values()),
            "fewest": min(self.sent.values()),
            "5xx": sum(self.errors.values()),
            "violations": sum(self.violations.values()),
            "seconds": time.perf_counter() - self.started,
            "statuses": self.statuses,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=100, help="examples per operation and mode (100)")
    parser.add_argument("--roles", default="counsellor,director", help="demo accounts to fuzz as")
    parser.add_argument("--seed", type=int, default=20261206, help="Hypothesis seed (reproducible run)")
    args = parser.parse_args()

    started = time.perf_counter()
    var_dir = scratch_instance(residents=40)
    print(f"scratch instance seeded in {time.perf_counter() - started:.1f} s ({var_dir})")

    import requests
    import schemathesis
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    from accounts.models import User
    from archives.models import Resident
    from crisis.models import Alert
    from orgs.models import OrgUnit
    from workflow.models import Appointment, Case, FollowUpTask

    ID_SOURCES = {
        "/api/v1/org-units/": OrgUnit,
        "/api/v1/users/": User,
        "/api/v1/residents/": Resident,
        "/api/v1/appointments/": Appointment,
        "/api/v1/cases/": Case,
        "/api/v1/followups/": FollowUpTask,
        "/api/v1/alerts/": Alert,
    }

    def existing_ids(path: str) -> list[int]:
        for prefix, model in ID_SOURCES.items():
            if path.startswith(prefix):
                return list(model.objects.order_by("pk").values_list("pk", flat=True)[:200])
        return []

    def has_inputs(operation) -> bool:
        return bool(operation.body) or any(
            p.location in ("path", "query") for p in operation.iter_parameters()
        )

    def strategy_for(operation, mode):
        strategy = operation.as_strategy(generation_mode=mode)
        ids = existing_ids(operation.path) if "id" in operation.path_parameters else []
        if mode.is_positive and ids:
            strategy = st.one_of(
                strategy,
                st.sampled_from(ids).flatmap(
                    lambda pk: operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
                ),
            )
        return strategy

    log = var_dir / "server.log"
    report = {}
    failures: dict[tuple[str, str, str], str] = {}
    with live_server(log=log) as base:
        schema = schemathesis.openapi.from_url(f"{base}/api/schema/?format=json")
        operations = [result.ok() for result in schema.get_all_operations()]
        session = requests.Session()
        for role in args.roles.split(","):
            run = RoleRun(role, base, session, strategy_for, args.examples, args.seed)
            for operation in operations:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    if mode.is_negative and not has_inputs(operation):
                        continue
                    run.operation(operation, mode)
            report[role] = run.summary(len(operations))
            failures.update(run.failures)
    print()
    print(f"Schemathesis {schemathesis.__version__ if hasattr(schemathesis, '__version__') else ''}".strip())
    print(
        f"{'role':<12} {'operations':>10} {'examples':>9} {'fewest/op':>9} {'5xx':>5} "
        f"{'schema violations':>17} {'time':>7}"
    )
    for role, row in report.items():
        print(
            f"{role:<12} {row['operations']:>10} {row['examples']:>9} {row['fewest']:>9} {row['5xx']:>5} "
            f"{row['violations']:>17} {row['seconds']:>6.0f}s"
        )
        print("   statuses: " + ", ".join(f"{code}×{n}" for code, n in sorted(row["statuses"].items())))
    if failures:
        print("\nDistinct failures (role, operation, check): first example")
        for (role, label, title), example in sorted(failures.items()):
            print(f"- {role} · {label} · {title}\n    {example}")
    tracebacks = server_errors(log)
    if tracebacks:
        print("\nServer tracebacks (last lines):")
        for line, n in Counter(tracebacks).most_common():
            print(f"  {n}× {line}")
    return 1 if any(row["5xx"] or row["violations"] for row in report.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
