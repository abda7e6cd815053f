"""Security battery: canary strings in every encrypted field, then a grep of the raw database files.

    .venv/bin/python bench/security_canary.py

Starts a scratch instance (temporary var directory, migrated, demo data seeded), then writes a
unique random string ("canary") into every encrypted field it can reach **through the services**,
as the pages and the API do: a canary resident (document number, phone, address, guardian,
emergency contact), a correction of their address (old and new value), an appointment with its
contact and reason (and the confirmation queued to the outbox), a case with intake, two plans,
sessions with a private note and a correction, a referral, a transfer, the closing with its
follow-ups and satisfaction comment, a reopening, a hotline entry, a concern report, a risk flag
with its alert, a crisis case with its risk assessment, safety plan, action, closing and review,
watch-list reviews and a staff account's phone.

Every other encrypted field that has rows after that (from the demo data) gets a canary written
with the ORM, so that each encrypted column holds at least one; the table says which way each
field got its canary, and lists fields with no row at all.

Then, with the connection still open (no checkpoint forced), it reads, byte for byte, the SQLite file,
its -wal and -shm files and every other file in the var directory (the task queue's database,
logs), and, when DATABASE_URL points to PostgreSQL, the output of ``pg_dump``, and counts each
canary's occurrences (UTF-8, and as its JSON/unicode escape where different). Every hit is a
leak of plaintext: the expected count is 0. A control canary, written into a plain text column
(the resident's name), must be found, or the grep proves nothing.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from security_support import scratch_instance, sqlite_path

CONTROL_PREFIX = "cnryCONTROL"


class Canaries:
    """Unique strings, each remembered with the (model, field) it went into."""

    def __init__(self) -> None:
        self.where: dict[str, tuple[str, str, str]] = {}

    def plain(self, model: str, field: str) -> str:
        """A value for a plain-text (not encrypted) field; here the control, found by prefix."""
        return f"{CONTROL_PREFIX}{secrets.token_hex(6)}"

    def text(self, model: str, field: str, how: str = "service") -> str:
        value = f"cnry{secrets.token_hex(8)}"
        self.where[value] = (model, field, how)
        return value

    def phone(self, model: str, field: str, how: str = "service") -> str:
        # A real mobile number (1[3-9] + 9 digits), random enough not to occur by chance.
        value = "139" + "".join(secrets.choice("0123456789") for _ in range(8))
        self.where[value] = (model, field, how)
        return value

    def id_number(self, model: str, field: str) -> str:
        from lib.identity import prc_id_check_character

        first17 = f"330106{1970 + secrets.randbelow(30)}0{1 + secrets.randbelow(9)}1{secrets.randbelow(9)}"
        first17 += "".join(secrets.choice("0123456789") for _ in range(17 - len(first17)))
        value = first17 + prc_id_check_character(first17)
        self.where[value] = (model, field, "service")
        return value


def write_through_services(c: Canaries) -> list[str]:
    """The canary resident and everything recorded about them, each step through its service.
    Returns the steps that failed (with the error), so a changed signature shows in the output."""
    from django.utils import timezone

    from accounts.models import User
    from accounts.services import user_create
    from archives.services import archive_set_responsible, resident_correct, resident_register
    from confidentiality.models import ConsentKind, ConsentText
    from confidentiality.roles import Role
    from confidentiality.services import consent_record
    from crisis.models import Alert, CrisisCheck, WatchListEntry
    from crisis.services.alerts import alert_acknowledge, alert_start_intervention
    from crisis.services.cases import (
        crisis_action_record,
        crisis_case_open,
        crisis_case_request_close,
        crisis_case_review,
        crisis_check_complete,
        crisis_risk_assessment_record,
        safety_plan_save,
    )
    from crisis.services.concerns import concern_report_submit, risk_flag_raise
    from crisis.services.watch import watch_entry_review
    from orgs.models import OrgUnit, Room
    from workflow.models import Appointment, Case, HotlineEntry, Modality, Referral
    from workflow.services.appointments import appointment_register
    from workflow.services.cases import (
        case_close,
        case_open,
        case_reopen,
        case_transfer,
        intake_record,
        service_plan_create,
    )
    from workflow.services.followups import follow_up_complete, follow_up_create
    from workflow.services.hotline import hotline_entry_record
    from workflow.services.referrals import referral_create
    from workflow.services.satisfaction import satisfaction_paper_entry
    from workflow.services.sessions import private_note_save, session_addendum_add, session_record_create

    users = {u.username: u for u in User.objects.all()}
    counsellor, archivist, director = users["counsellor"], users["archivist"], users["director"]
    supervisor, worker = users["supervisor"], users["worker"]
    grid = OrgUnit.objects.get(name="柳岸社区第1网格")
    today = timezone.localdate()
    now = timezone.now()
    failed: list[str] = []
    state: dict = {}

    def step(name, function):
        try:
            state[name] = function()
        except Exception as exc:  # reported; the battery goes on with the next step
            failed.append(f"{name}: {type(exc).__name__}: {exc}"[:300])

    R = "archives.Resident"
    step(
        "resident",
        lambda: resident_register(
            actor=worker,
            name=c.plain(R, "name"),  # the plain-text control: the name is searchable, not encrypted
            org_unit=grid,
            id_number=c.id_number(R, "id_number"),
            phone=c.phone(R, "phone"),
            address=c.text(R, "address"),
            guardian_name=c.text(R, "guardian_name"),
            guardian_relation="母亲",
            guardian_phone=c.phone(R, "guardian_phone"),
            emergency_name=c.text(R, "emergency_name"),
            emergency_relation="朋友",
            emergency_phone=c.phone(R, "emergency_phone"),
        ),
    )
    resident = state.get("resident")
    if resident is None:
        return failed

    def consents():
        for kind in (ConsentKind.INFORMED, ConsentKind.CONFIDENTIALITY, ConsentKind.SENSITIVE_INFO):
            consent_record(
                actor=archivist,
                resident=resident,
                text=ConsentText.objects.get(kind=kind, is_current=True),
                signed_on=today - timedelta(days=3),
                signer="self",
                signer_name="本人",
                channel="paper",
            )
        archive_set_responsible(actor=archivist, archive=resident.archive, staff=[counsellor])

    step("consents and responsible counsellor", consents)
    # The correction keeps the old address (a canary already) and stores the new one.
    step(
        "correction",
        lambda: resident_correct(
            actor=counsellor,
            resident=resident,
            changes={"address": c.text("archives.Correction", "new_value (address)")},
            reason="核对地址",
        ),
    )
    site_room = Room.objects.get(site__name="柳岸社区心理服务站", name="个体咨询室")
    A = "workflow.Appointment"

    def appointment():
        # A Monday (a duty day) after the demo's week of appointments.
        day = today + timedelta(days=(7 - today.weekday()) % 7 + 14)
        starts = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
        starts = starts.replace(hour=15, minute=0)
        return appointment_register(
            actor=counsellor,
            site=site_room.site,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            service=Appointment.Service.COUNSELLING,
            channel=Appointment.Channel.PHONE,
            contact_name=c.text(A, "contact_name"),
            contact_phone=c.phone(A, "contact_phone"),
            reason=c.text(A, "reason"),
            address=c.text(A, "address"),
            counsellor=counsellor,
            room=site_room,
            confirm_now=True,
        )

    step("appointment (confirmation queued)", appointment)
    W = "workflow"
    step(
        "case",
        lambda: case_open(
            actor=counsellor,
            resident=resident,
            counsellor=counsellor,
            presenting_problem=c.text(f"{W}.Case", "presenting_problem"),
            opened_at=now - timedelta(days=2),
        ),
    )
    case = state.get("case")
    if case is not None:
        step(
            "intake",
            lambda: intake_record(
                actor=counsellor,
                case=case,
                held_on=today - timedelta(days=2),
                chief_complaint=c.text(f"{W}.Intake", "chief_complaint"),
                history=c.text(f"{W}.Intake", "history"),
                observations=c.text(f"{W}.Intake", "observations"),
                risk_notes=c.text(f"{W}.Intake", "risk_notes"),
                impression=c.text(f"{W}.Intake", "impression"),
            ),
        )
        for n, reason in enumerate(("", c.text(f"{W}.ServicePlan", "revision_reason"))):
            step(
                f"service plan {n + 1}",
                lambda reason=reason: service_plan_create(
                    actor=counsellor,
                    case=case,
                    goals=c.text(f"{W}.ServicePlan", "goals"),
                    content=c.text(f"{W}.ServicePlan", "content"),
                    modality=Modality.FACE_TO_FACE,
                    frequency="每周一次",
                    period_start=today - timedelta(days=2),
                    period_end=today + timedelta(weeks=8),
                    **({"revision_reason": reason} if reason else {}),
                ),
            )
        S = f"{W}.SessionRecord"
        step(
            "session",
            lambda: session_record_create(
                actor=counsellor,
                case=case,
                held_at=now - timedelta(days=1),
                duration_minutes=50,
                modality=Modality.HOME_VISIT,
                content=c.text(S, "content"),
                client_feedback=c.text(S, "client_feedback"),
                problems_handled=c.text(S, "problems_handled"),
                next_steps=c.text(S, "next_steps"),
                address=c.text(S, "address"),
                companions=[users["volunteer"]],
                private_note=c.text(f"{W}.PrivateNote", "text"),
            ),
        )
        session = state.get("session")
        if session is not None:
            step(
                "private note rewritten",
                lambda: private_note_save(
                    actor=counsellor, session=session, text=c.text(f"{W}.PrivateNote", "text (rewritten)")
                ),
            )
            step(
                "session correction",
                lambda: session_addendum_add(
                    actor=counsellor,
                    session=session,
                    text=c.text(f"{W}.SessionAddendum", "text"),
                    reason=c.text(f"{W}.SessionAddendum", "reason"),
                ),
            )
        from workflow.models import Institution

        step(
            "referral",
            lambda: referral_create(
                actor=counsellor,
                case=case,
                institution=Institution.objects.order_by("pk").first(),
                reason=c.text(f"{W}.Referral", "reason"),
                urgency=Referral.Urgency.ROUTINE,
            ),
        )
        step(
            "follow-up",
            lambda: follow_up_create(
                actor=counsellor,
                resident=resident,
                reason=c.text(f"{W}.FollowUpTask", "reason"),
                due_on=today + timedelta(days=7),
                case=case,
            ),
        )
        if state.get("follow-up") is not None:
            step(
                "follow-up done",
                lambda: follow_up_complete(
                    actor=counsellor, task=state["follow-up"], outcome=c.text(f"{W}.FollowUpTask", "outcome")
                ),
            )
        step(
            "transfer",
            lambda: case_transfer(
                actor=director,
                case=case,
                to_counsellor=users["counsellor2"],
                reason=c.text(f"{W}.CaseTransfer", "reason"),
            ),
        )
        step(
            "transfer back",
            lambda: case_transfer(actor=director, case=case, to_counsellor=counsellor, reason="转回原咨询师"),
        )
        step(
            "case closed",
            lambda: case_close(
                actor=counsellor,
                case=case,
                outcome=Case.Outcome.IMPROVED,
                summary=c.text(f"{W}.Case", "closing_summary"),
            ),
        )
        step(
            "satisfaction on paper",
            lambda: satisfaction_paper_entry(
                actor=counsellor, case=case, rating=4, comment=c.text(f"{W}.SatisfactionSurvey", "comment")
            ),
        )
        step(
            "case reopened",
            lambda: case_reopen(actor=counsellor, case=case, reason=c.text(f"{W}.CaseReopening", "reason")),
        )
    H = f"{W}.HotlineEntry"
    step(
        "hotline entry",
        lambda: hotline_entry_record(
            actor=counsellor,
            channel=HotlineEntry.Channel.PHONE,
            started_at=now - timedelta(hours=3),
            duration_minutes=15,
            topic="emotion",
            action="support",
            anonymous=False,
            caller_name=c.text(H, "caller_name"),
            caller_contact=c.phone(H, "caller_contact"),
            summary=c.text(H, "summary"),
            action_note=c.text(H, "action_note"),
            resident=resident,
        ),
    )
    K = "crisis"
    step(
        "concern report",
        lambda: concern_report_submit(
            actor=worker,
            description=c.text(f"{K}.ConcernReport", "description"),
            person_description=c.text(f"{K}.ConcernReport", "person_description"),
            location=c.text(f"{K}.ConcernReport", "location"),
        ),
    )
    step(
        "risk flag",
        lambda: risk_flag_raise(actor=counsellor, resident=resident, note=c.text(f"{K}.RiskSignal", "note")),
    )
    alert = Alert.objects.filter(resident=resident, state__in=Alert.OPEN_STATES).first()
    if alert is not None:
        owner = alert.owner or counsellor
        step("alert acknowledged", lambda: alert_acknowledge(actor=owner, alert=alert))
        step(
            "alert intervention",
            lambda: alert_start_intervention(
                actor=owner, alert=Alert.objects.get(pk=alert.pk), note=c.text(f"{K}.AlertEvent", "note")
            ),
        )
        step("crisis case", lambda: crisis_case_open(actor=owner, alert=Alert.objects.get(pk=alert.pk)))
        crisis = state.get("crisis case")
        if crisis is not None:
            C = f"{K}.CrisisCase"
            step(
                "risk assessment",
                lambda: crisis_risk_assessment_record(
                    actor=owner,
                    crisis_case=crisis,
                    ideation=c.text(C, "ideation"),
                    plan=c.text(C, "plan"),
                    means=c.text(C, "means"),
                    history=c.text(C, "history"),
                    protective_factors=c.text(C, "protective_factors"),
                    risk_summary=c.text(C, "risk_summary"),
                ),
            )
            P = f"{K}.SafetyPlan"
            step(
                "safety plan",
                lambda: safety_plan_save(
                    actor=owner,
                    crisis_case=crisis,
                    warning_signs=c.text(P, "warning_signs"),
                    coping_steps=c.text(P, "coping_steps"),
                    people_places=c.text(P, "people_places"),
                    professionals=c.text(P, "professionals"),
                    means_restriction=c.text(P, "means_restriction"),
                ),
            )
            step(
                "crisis action",
                lambda: crisis_action_record(
                    actor=owner,
                    crisis_case=crisis,
                    kind="guardian",
                    recipient="母亲",
                    text=c.text(f"{K}.CrisisAction", "text"),
                ),
            )
            for check in crisis.checks.filter(kind__in=CrisisCheck.FOLLOW_UP):
                step(
                    "crisis check",
                    lambda check=check: crisis_check_complete(
                        actor=owner, check=check, note=c.text(f"{K}.CrisisCheck", "note")
                    ),
                )
            step(
                "crisis closing asked",
                lambda: crisis_case_request_close(
                    actor=owner,
                    crisis_case=crisis,
                    outcome="stabilised",
                    summary=c.text(C, "closing_summary"),
                    risk_level="yellow",
                    risk_reason=c.text(C, "closing_risk_reason"),
                ),
            )
            step(
                "crisis review",
                lambda: crisis_case_review(
                    actor=owner.supervisor or supervisor,
                    crisis_case=crisis,
                    approve=True,
                    note=c.text(C, "review_note"),
                ),
            )
    entry = WatchListEntry.objects.filter(resident=resident, removed_at__isnull=True).first()
    if entry is not None:
        step(
            "watch review",
            lambda: watch_entry_review(
                actor=counsellor,
                entry=entry,
                next_review_on=today + timedelta(days=14),
                note=c.text(f"{K}.WatchReview", "note"),
            ),
        )
    step(
        "staff account",
        lambda: user_create(
            actor=users["admin"],
            username="canary_staff",
            full_name=c.plain("accounts.User", "full_name"),
            role=Role.COUNSELLOR,
            org_unit=grid,
            phone=c.phone("accounts.User", "phone"),
        ),
    )
    return failed


def write_the_rest(c: Canaries) -> tuple[set, list[str]]:
    """Every encrypted field: whether a service wrote a canary into it; if not, one row gets one
    with the ORM (the field's own encryption); fields with no row are listed."""
    from django.apps import apps

    from confidentiality.fields import encrypted_fields

    by_service = {(model, field.split(" ")[0]) for model, field, how in c.where.values() if how == "service"}
    no_rows = []
    fields = set()
    for model in apps.get_models():
        for field in encrypted_fields(model):
            label = f"{model._meta.app_label}.{model.__name__}"
            fields.add((label, field.name))
            if (label, field.name) in by_service:
                continue
            row = model.objects.order_by("-pk").first()
            if row is None:
                no_rows.append(f"{label}.{field.name}")
                continue
            if field.name == "answers":  # a JSON list of numbers: a string is not a valid value
                value = json.dumps([c.text(label, field.name, "orm")])
            else:
                value = c.text(label, field.name, "orm")
            model.objects.filter(pk=row.pk).update(**{field.name: value})
    return fields, no_rows


def raw_files(var_dir: Path) -> dict[str, bytes]:
    """Every file of the var directory, read as bytes (the SQLite file, -wal, -shm, the task
    queue, logs), and a pg_dump when the database is PostgreSQL."""
    found = {}
    for path in sorted(var_dir.rglob("*")):
        if path.is_file():
            found[str(path.relative_to(var_dir))] = path.read_bytes()
    if sqlite_path() is None:
        from django.conf import settings

        db = settings.DATABASES["default"]
        env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
        command = ["pg_dump", "-h", db.get("HOST") or "localhost", "-p", str(db.get("PORT") or 5432)]
        command += ["-U", db.get("USER") or "", db["NAME"]]
        found["pg_dump"] = subprocess.run(command, env=env, capture_output=True, check=True).stdout  # noqa: S603
    return found


def main() -> int:
    started = time.perf_counter()
    var_dir = scratch_instance(residents=40)
    print(f"scratch instance seeded in {time.perf_counter() - started:.1f} s ({var_dir})")
    c = Canaries()
    failed = write_through_services(c)
    fields, no_rows = write_the_rest(c)

    # Read while the connection is still open, as a copy taken of a running server would be: the
    # last writes are still in the -wal file (closing the last connection checkpoints and removes it).
    files = raw_files(var_dir)
    hits: dict[str, list[str]] = defaultdict(list)
    control_found = any(CONTROL_PREFIX.encode() in data for data in files.values())
    for value in c.where:
        needles = {value.encode(), value.encode("utf-16-le")}
        for name, data in files.items():
            if any(needle in data for needle in needles):
                hits[value].append(name)

    covered = {(m, f.split(" ")[0]) for m, f, _how in c.where.values()}
    by_service = {(m, f.split(" ")[0]) for m, f, how in c.where.values() if how == "service"}
    print(f"\nencrypted fields in the models: {len(fields)}")
    print(f"  with a canary written through a service: {len(by_service & fields)}")
    by_orm = (covered - by_service) & fields
    names = ", ".join(sorted(".".join(f) for f in by_orm))
    print(f"  with a canary written with the ORM (a demo row): {len(by_orm)} ({names})")
    print(f"  without any row to hold one: {len(no_rows)}" + (f" ({', '.join(no_rows)})" if no_rows else ""))
    print(f"canaries written: {len(c.where)}")
    print(
        "files grepped: " + ", ".join(f"{name} ({len(data) / 1024:.0f} KiB)" for name, data in files.items())
    )
    found = "yes" if control_found else "NO: the grep proves nothing"
    print(f"control (plain-text resident name) found: {found}")
    if failed:
        print("\nservice steps that failed (their canaries were not written):")
        for line in failed:
            print("  - " + line)
    print(f"\ncanary hits in the raw files: {sum(len(v) for v in hits.values())}")
    for value, names in hits.items():
        model, field, how = c.where[value]
        print(f"  {model}.{field} ({how}): {value} in {', '.join(names)}")
    return 1 if hits or not control_found else 0


if __name__ == "__main__":
    sys.exit(main())
