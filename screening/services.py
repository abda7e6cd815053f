"""Screening campaigns (SCR-1) and the online self-test (ASM-4): the writes and reads.

The self-test is public: no login. Whoever takes it consents first, identifies as the campaign
says (ID card number and name, or anonymously), answers the battery — a positive screener leads
straight into its full instrument — and submits once; a repeated submit with the same key returns
the stored result instead of storing it again.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Resident, ResidentTag
from archives.services import ID_INDEX_PURPOSE
from assessments.handover import hand_over_result
from assessments.labels import answer_error
from assessments.library import available_instruments, get_instrument
from assessments.models import Assessment, Campaign, CampaignResponse
from assessments.permissions import MANAGE_CAMPAIGNS
from assessments.scoring import AnswerError, score
from confidentiality import policy
from confidentiality.models import ConsentKind, ConsentText
from confidentiality.services import audit_record
from lib.encryption import blind_index
from lib.identity import InvalidIdNumber, parse_prc_id_number
from lib.ratelimit import RateLimit


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    instruments: list[str],
    target_units,
    target_tags: list[str],
    starts_on,
    ends_on,
    identification: str,
    description: str = "",
    allow_new_residents: bool = False,
    guardian_consent_method: str = "",
) -> Campaign:
    """Create a campaign for units in the creator's scope; it starts as a draft."""
    if not policy.has_permission(actor, MANAGE_CAMPAIGNS):
        raise PermissionDenied
    unknown = [code for code in instruments if code not in available_instruments()]
    if not instruments or unknown:
        raise ValidationError({"instruments": _("Choose instruments from the library.")})
    units = list(target_units)
    if not units or any(not policy.can_target_unit(actor, unit) for unit in units):
        raise ValidationError({"target_units": _("Choose target units in your scope.")})
    campaign = Campaign(
        name=name.strip(),
        description=description.strip(),
        instruments=list(instruments),
        target_tags=list(target_tags),
        starts_on=starts_on,
        ends_on=ends_on,
        identification=identification,
        allow_new_residents=allow_new_residents,
        guardian_consent_method=guardian_consent_method.strip(),
        token=secrets.token_urlsafe(16),
        created_by=actor,
    )
    campaign.full_clean(exclude=["created_by"])
    campaign.save()
    campaign.target_units.set(units)
    audit_record(actor=actor, action="campaign.created", obj=campaign)
    return campaign


@transaction.atomic
def campaign_set_status(*, actor, campaign: Campaign, status: str) -> Campaign:
    """Open (running) or close a campaign, as its status allows (Campaign.ACTIONS): a draft or
    closed campaign is opened, a running one is closed; none goes back to draft."""
    if not policy.has_permission(actor, MANAGE_CAMPAIGNS):
        raise PermissionDenied
    if status not in Campaign.Status.values:
        raise ValidationError(_("Unknown campaign state."))
    action = {Campaign.Status.RUNNING: "open", Campaign.Status.CLOSED: "close"}.get(status)
    if action is None:
        raise ValidationError(_("A campaign cannot go back to draft."))
    Campaign.ACTIONS.require(campaign, action)
    campaign.status = status
    campaign.save(update_fields=["status"])
    audit_action = {
        Campaign.Status.DRAFT: "campaign.draft",
        Campaign.Status.RUNNING: "campaign.running",
        Campaign.Status.CLOSED: "campaign.closed",
    }[status]
    audit_record(actor=actor, action=audit_action, obj=campaign)
    return campaign


def campaign_open_problem(campaign: Campaign) -> str:
    """Why the self-test cannot be taken now ('' when it can)."""
    today = timezone.localdate()
    if not Campaign.ACTIONS.allows(campaign, "answer"):
        if campaign.status == Campaign.Status.DRAFT:
            return _("This screening has not started yet.")
        return _("This screening is closed. Thank you for your interest.")
    if today < campaign.starts_on:
        return _("This screening starts on %(date)s.") % {"date": campaign.starts_on}
    if today > campaign.ends_on:
        return _("This screening ended on %(date)s.") % {"date": campaign.ends_on}
    return ""


IDENTIFY_LIMIT = 20  # failed identifications per client address …
IDENTIFY_WINDOW = 15 * 60  # … in this many seconds


IDENTIFY_FAILURES = RateLimit("selftest-identify", limit=IDENTIFY_LIMIT, window=IDENTIFY_WINDOW)


def identify(
    *,
    campaign: Campaign,
    name: str,
    id_number: str = "",
    student_number: str = "",
    client_ip: str | None = None,
) -> Resident | None:
    """The resident this ID number (through the blind index) or student number belongs to, as the
    campaign identifies people; the name must match too.

    The page is public, so failed attempts are counted per client address: past the limit the
    form refuses for a while, which stops anyone probing which name goes with which ID number.
    """
    if IDENTIFY_FAILURES.exceeded(client_ip):
        raise ValidationError(_("Too many attempts. Please try again later, or ask the staff for help."))
    try:
        if campaign.identification == Campaign.Identification.STUDENT_NUMBER:
            return _identify_student(campaign=campaign, student_number=student_number, name=name)
        return _identify(campaign=campaign, id_number=id_number, name=name)
    except ValidationError:
        IDENTIFY_FAILURES.hit(client_ip)
        raise


def _identify_student(*, campaign: Campaign, student_number: str, name: str) -> Resident:
    """A student by the school's number and name, among the campaign's target units only."""
    number = student_number.strip()
    if not number:
        raise ValidationError({"student_number": _("Enter your student number.")})
    in_target = Q()
    for unit in campaign.target_units.all():
        in_target |= Q(org_unit__path__startswith=unit.path)
    resident = Resident.objects.filter(in_target, student_number=number, name=name.strip()).first()
    if resident is None:
        raise ValidationError(
            _(
                "We could not find you with this student number and name. "
                "Please check them, or ask your teacher."
            )
        )
    return resident


def _identify(*, campaign: Campaign, id_number: str, name: str) -> Resident | None:
    try:
        facts = parse_prc_id_number(id_number, today=timezone.localdate())
    except InvalidIdNumber as exc:
        raise ValidationError({"id_number": _("Enter a valid 18-digit ID card number.")}) from exc
    index = blind_index(f"prc_id:{facts.number}", purpose=ID_INDEX_PURPOSE)
    resident = Resident.objects.filter(document_type="prc_id", id_number_index=index).first()
    if resident is not None and resident.name != name.strip():
        resident = None
    if resident is None and not campaign.allow_new_residents:
        raise ValidationError(
            _("We could not find you with this ID card number and name. Please check them, or ask the staff.")
        )
    return resident


def next_instrument(campaign: Campaign, done: dict[str, list]) -> str | None:
    """The next instrument of the sitting: the battery in order, and after a positive screener
    its full instrument (the two-stage funnel), unless the battery holds it already."""
    queue = list(campaign.instruments)
    for code, answers in done.items():
        instrument = get_instrument(code)
        full = instrument.data.get("full_instrument")
        if full and full not in queue:
            result = score(instrument, answers)
            if result.valid and result.band == "positive":
                queue.insert(queue.index(code) + 1, full)
    for code in queue:
        if code not in done:
            return code
    return None


def funnel_prefill(full_code: str, done: dict[str, list]) -> dict[int, object]:
    """Answers a full instrument shares with a screener already answered (PHQ-2 = PHQ-9 items 1–2)."""
    for code, answers in done.items():
        if get_instrument(code).data.get("full_instrument") == full_code:
            return {number: answer for number, answer in enumerate(answers, start=1)}
    return {}


def selftest_check_battery(*, campaign: Campaign, answers: dict[str, list]) -> None:
    """A sitting holds the campaign's instruments in full, plus the full instrument of a positive
    screener, and nothing else."""
    unknown = set(answers) - set(available_instruments())
    if unknown:
        raise ValidationError({"answers": _("Unknown instrument.")})
    allowed = set(campaign.instruments) | {
        get_instrument(code).data.get("full_instrument") for code in campaign.instruments if code in answers
    }
    if set(answers) - allowed or next_instrument(campaign, answers) is not None:
        raise ValidationError({"answers": _("Answer all the questionnaires of this screening.")})


@dataclass(frozen=True)
class SelfTestResult:
    response: CampaignResponse
    assessments: list[Assessment]
    created: bool

    @property
    def needs_care(self) -> bool:
        return any(a.severe or a.flags for a in self.assessments)


# The consent texts a self-test shows before the first question (CONF-1).
SELFTEST_CONSENT_KINDS = (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO)


def selftest_consent_texts() -> list[ConsentText]:
    """The current consent texts a person agrees to before a self-test, in the order shown."""
    return list(ConsentText.objects.filter(is_current=True, kind__in=SELFTEST_CONSENT_KINDS).order_by("kind"))


@dataclass(frozen=True)
class SelfTestConsent:
    """What the person agreed to: ``versions`` is {kind: version} of the texts shown to them."""

    agreed: bool
    versions: dict[str, str]
    given_at: datetime

    @classmethod
    def now(cls, *, agreed: bool) -> SelfTestConsent:
        """Consent given at this moment to the texts current now (the API: one request)."""
        return cls(
            agreed=agreed,
            versions={text.kind: text.version for text in selftest_consent_texts()},
            given_at=timezone.now(),
        )

    def as_session(self) -> dict:
        return {"agreed": self.agreed, "versions": self.versions, "given_at": self.given_at.isoformat()}

    @classmethod
    def from_session(cls, value: dict | None) -> SelfTestConsent:
        if not value:
            return cls(agreed=False, versions={}, given_at=timezone.now())
        return cls(
            agreed=bool(value.get("agreed")),
            versions=dict(value.get("versions") or {}),
            given_at=datetime.fromisoformat(value["given_at"]),
        )


@transaction.atomic
def selftest_submit(
    *,
    campaign: Campaign,
    resident: Resident | None,
    answers: dict[str, list],
    idempotency_key: str,
    consent: SelfTestConsent,
) -> SelfTestResult:
    """Store one sitting: all its assessments, in one transaction, once per idempotency key.

    Nothing is stored without consent (CONF-1): the sitting records which consent texts (kind and
    version) the person agreed to, when, and whether they took the test identified or anonymously,
    whichever entry point (web, API, a later one) called. Consent to texts that are no longer the
    current ones is refused: the person must see the texts in force.
    A severe band, a critical flag or a result a warning rule matches writes a risk signal, and the
    alert it raises exists before the result page is shown.
    """
    existing = CampaignResponse.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return SelfTestResult(existing, list(existing.assessments.order_by("pk")), created=False)
    if not consent.agreed:
        raise ValidationError(_("Please read and agree to the consent before you start."))
    current = {text.kind: text.version for text in selftest_consent_texts()}
    if consent.versions != current:
        raise ValidationError(
            _("The consent text has changed since you started: please read it again and agree.")
        )
    problem = campaign_open_problem(campaign)
    if problem:
        raise ValidationError(problem)
    selftest_check_battery(campaign=campaign, answers=answers)
    if campaign.identification != Campaign.Identification.ANONYMOUS and resident is None:
        raise ValidationError(_("Identify yourself first."))
    try:
        with transaction.atomic():
            response = CampaignResponse.objects.create(
                campaign=campaign,
                resident=resident,
                idempotency_key=idempotency_key,
                consent_versions=consent.versions,
                consent_given_at=consent.given_at,
                identified=resident is not None,
            )
    except IntegrityError:  # the same submit arrived twice at once; the first one stored it
        existing = CampaignResponse.objects.get(idempotency_key=idempotency_key)
        return SelfTestResult(existing, list(existing.assessments.order_by("pk")), created=False)
    stored = []
    sex = resident.sex if resident is not None and resident.sex in ("M", "F") else None
    for code, item_answers in answers.items():
        instrument = get_instrument(code)
        try:
            result = score(instrument, item_answers, sex)
        except AnswerError as exc:
            raise ValidationError(answer_error(exc)[1]) from exc
        assessment = Assessment(
            resident=resident,
            campaign=campaign,
            response=response,
            instrument_code=code,
            instrument_version=instrument.version,
            answers=json.dumps(item_answers, ensure_ascii=False),
            sex_used=sex or "",
            valid=result.valid,
            total=result.total,
            band=result.band or "",
            flags=result.flags,
            subscales=result.subscales,
            severe=result.severe,
            context=Assessment.Context.SELF_TEST,
            administered_at=timezone.now(),
        )
        assessment.save()
        if resident is None:
            # An anonymous sitting: the alert goes to the campaign's unit and says where it came from.
            hand_over_result(
                assessment,
                org_unit=campaign.target_units.order_by("path").first(),
                subject_note=_("Anonymous self-test in the screening “%(campaign)s”, sitting #%(response)s")
                % {"campaign": campaign.name, "response": response.pk},
            )
        else:
            hand_over_result(assessment)
        stored.append(assessment)
    audit_record(
        actor=None,
        action="selftest.submitted",
        obj=campaign,
        details={"response": response.pk, "resident": resident.pk if resident else None},
    )
    return SelfTestResult(response, stored, created=True)


def campaign_targets(campaign: Campaign, *, units=None):
    """The people the campaign is for: in its target units (``units`` when already loaded) and,
    when it names tags, carrying one of them."""
    residents = Resident.objects.none()
    for unit in campaign.target_units.all() if units is None else units:
        residents = residents | Resident.objects.filter(org_unit__path__startswith=unit.path)
    if campaign.target_tags:
        residents = residents.filter(
            pk__in=ResidentTag.objects.filter(tag__in=campaign.target_tags).values("resident_id")
        )
    return residents


def campaign_coverage(campaign: Campaign) -> list[dict]:
    """Per target unit: how many of its target people have taken part (done / target). Two
    queries whatever the number of units and people: the units, then one aggregate over the
    targets with a count per unit (taking part is a subquery, never a list of ids)."""
    units = list(campaign.target_units.order_by("path"))
    took_part = Q(pk__in=campaign.responses.exclude(resident=None).values("resident_id"))
    counts = {}
    for index, unit in enumerate(units):
        inside = Q(org_unit__path__startswith=unit.path)
        counts[f"target_{index}"] = Count("pk", filter=inside, distinct=True)
        counts[f"done_{index}"] = Count("pk", filter=inside & took_part, distinct=True)
    totals = campaign_targets(campaign, units=units).aggregate(**counts) if units else {}
    rows = []
    for index, unit in enumerate(units):
        target, done = totals[f"target_{index}"], totals[f"done_{index}"]
        rows.append(
            {
                "unit": unit,
                "target": target,
                "done": done,
                "percent": round(100 * done / target) if target else 0,
            }
        )
    return rows


def campaign_band_counts(campaign: Campaign):
    return (
        campaign.assessments.values("instrument_code", "band")
        .annotate(n=Count("pk"), positives=Count("pk", filter=Q(severe=True)))
        .order_by("instrument_code", "band")
    )
