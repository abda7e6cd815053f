"""Reads of cases, their intake, plans, sessions and what hangs off them. Every read goes through
confidentiality.policy; private notes are read only through services.sessions.private_note_read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts.models import User
from confidentiality import policy
from lib.urls import absolute_url
from workflow.models import (
    Appointment,
    Case,
    CaseAssessment,
    Intake,
    Referral,
    SatisfactionSurvey,
    ServicePlan,
    SessionAddendum,
    SessionRecord,
)


def url_or_blank(name: str, *args, query: str = "") -> str:
    """A URL of a page another area may not have built yet: '' instead of an error."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def case_list(*, user, status: str = "", mine: bool = False) -> QuerySet[Case]:
    """Cases the person sees, newest first, with what the list shows pre-loaded (the query count
    does not depend on the page size)."""
    cases = policy.filter_cases(user, Case.objects.all())
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(counsellor=user)
    return (
        cases.select_related("resident", "resident__archive", "counsellor")
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("-opened_at", "-pk")
    )


def case_for_page(*, user, pk) -> Case:
    """One case the person sees (404 otherwise), with its client and counsellor loaded."""
    queryset = Case.objects.select_related(
        "resident", "resident__archive", "resident__org_unit", "counsellor", "opened_by", "closed_by"
    )
    return policy.fetch_or_404(user, Case, queryset=queryset, pk=pk)


def session_addenda_prefetch() -> Prefetch:
    """A session's corrections, oldest first, with who wrote each: shown wherever the session is
    (its page and the API), so nobody reads a record without its corrections."""
    return Prefetch(
        "addenda", queryset=SessionAddendum.objects.select_related("written_by").order_by("written_at", "pk")
    )


def session_for_page(*, user, pk) -> SessionRecord:
    queryset = SessionRecord.objects.select_related(
        "case",
        "case__resident",
        "case__resident__org_unit",
        "case__counsellor",
        "recorded_by",
        "appointment",
    ).prefetch_related("companions", session_addenda_prefetch())
    return policy.fetch_or_404(user, SessionRecord, queryset=queryset, pk=pk)


def case_assessment_rows(case: Case) -> list[dict]:
    from assessments.labels import band_label
    from assessments.library import get_instrument

    rows = []
    links = case.case_assessments.select_related("assessment").order_by("assessment__administered_at", "pk")
    for link in links:
        assessment = link.assessment
        try:
            instrument = get_instrument(assessment.instrument_code, assessment.instrument_version)
        except KeyError:
            label, band = assessment.instrument_code.upper(), assessment.band
        else:
            label = instrument.data.get("short_name") or assessment.instrument_code.upper()
            band = band_label(instrument, assessment.band)
        rows.append(
            {
                "phase": link.get_phase_display(),
                "at": assessment.administered_at,
                "label": label,
                "total": assessment.display_total if assessment.valid else "",
                "band": band if assessment.valid else "",
                "url": url_or_blank("assessments:detail", assessment.pk),
            }
        )
    return rows


def case_detail_data(*, user, case: Case) -> dict:
    """What the case page shows; each kind of row is one query, whatever their number."""
    plans = list(ServicePlan.objects.filter(case=case).select_related("created_by").order_by("-version"))
    referrals = list(
        policy.filter_case_children(user, Referral.objects.filter(case=case)).select_related("institution")
    )
    surveys = list(policy.filter_satisfaction_surveys(user, SatisfactionSurvey.objects.filter(case=case)))
    for referral in referrals:
        referral.url = url_or_blank("workflow:referral_detail", referral.pk)
    # The one-time link is the client's: only those who work on the case may hand it over; a
    # reader (a grant holder) must never be able to use it up.
    may_hand_over = policy.can_work_on_case(user, case)
    for survey in surveys:
        link = url_or_blank("portal:satisfaction", survey.token) if may_hand_over else ""
        unanswered = survey.answered_at is None and survey.channel == SatisfactionSurvey.Channel.LINK
        survey.public_url = absolute_url(link) if link and unanswered else ""
        survey.qr_url = url_or_blank("workflow:satisfaction_qr", survey.pk) if survey.public_url else ""
    return {
        "intake": Intake.objects.filter(case=case).select_related("recorded_by").first(),
        "plan": plans[0] if plans else None,
        "earlier_plans": plans[1:],
        "sessions": list(
            SessionRecord.objects.filter(case=case)
            .select_related("recorded_by")
            .prefetch_related(Prefetch("companions", queryset=User.objects.order_by("full_name")))
            .order_by("number")
        ),
        "assessments": case_assessment_rows(case),
        "transfers": list(case.transfers.select_related("from_counsellor", "to_counsellor", "by")),
        "reopenings": list(case.reopenings.select_related("by")),
        "follow_ups": list(case.follow_ups.select_related("assignee").order_by("due_on", "pk")),
        "referrals": referrals,
        "surveys": surveys,
    }


def assignable_counsellors(*, user, resident=None) -> QuerySet[User]:
    """Whom this person may open a case for (policy.filter_case_assignees), by name."""
    return policy.filter_case_assignees(user, User.objects.all(), resident=resident).order_by(
        "full_name", "pk"
    )


def transfer_targets(*, user, case: Case) -> QuerySet[User]:
    """Active case holders in the transferring person's scope, other than the current counsellor."""
    return (
        policy.filter_transfer_targets(user, User.objects.all())
        .exclude(pk=case.counsellor_id)
        .order_by("full_name", "pk")
    )


def transfer_offer(*, user, case: Case) -> tuple[bool, str]:
    """Whether the case page offers "Transfer", and if the person may transfer but nobody may
    receive the case, the sentence saying why. The list the transfer form offers comes from
    ``transfer_targets`` too, so the action is never offered with an empty list."""
    if not (Case.ACTIONS.allows(case, "transfer") and policy.can_transfer_case(user, case)):
        return False, ""
    if not transfer_targets(user=user, case=case).exists():
        return False, _(
            "Nobody can take this case over: there is no other active counsellor or therapist "
            "in your organisation unit."
        )
    return True, ""


def companion_choices(*, user) -> QuerySet[User]:
    """Staff and volunteers in the person's scope who can go along on a home visit."""
    if not user.org_unit_id:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, org_unit__path__startswith=user.org_unit.path)
        .exclude(role="")
        .exclude(pk=user.pk)
        .order_by("role", "full_name", "pk")
    )


def checked_in_without_case(*, user) -> QuerySet[Appointment]:
    """Checked-in appointments with a known client and no case yet: where cases are opened."""
    return (
        policy.filter_appointments(
            user,
            Appointment.objects.filter(
                status=Appointment.Status.CHECKED_IN, case__isnull=True, resident__isnull=False
            ),
        )
        .select_related("resident", "counsellor")
        .order_by("starts_at")
    )


def resident_cases(*, user, resident) -> list[Case]:
    """A resident's cases that this person sees (for the archive page)."""
    return list(
        policy.filter_cases(user, Case.objects.filter(resident=resident))
        .select_related("counsellor")
        .order_by("-opened_at", "-pk")
    )


def case_for_assessment(*, user, resident, params) -> tuple[Case | None, str]:
    """The case (and stage) an assessment is given from, when the page was opened from a case with
    ``?case=<pk>&phase=…``; (None, '') otherwise. The case must be the resident's, open, and one
    the person works on."""
    raw, phase = params.get("case", ""), params.get("phase", "")
    if not raw:
        return None, ""
    if not str(raw).isdigit() or phase not in CaseAssessment.Phase.values:
        raise Http404
    case = policy.fetch_or_404(user, Case, queryset=Case.objects.select_related("counsellor"), pk=int(raw))
    if case.resident_id != resident.pk or not Case.ACTIONS.allows(case, "record"):
        raise Http404
    if not policy.can_work_on_case(user, case):
        raise PermissionDenied
    return case, phase


def case_giving_context(*, user, resident, params):
    """An assessment given from a case (``?case=<pk>&phase=…``) is linked to it: the context that
    ``assessments.handover`` asks for, or None when the page was not opened from a case."""
    from functools import partial

    from assessments.handover import GivingContext

    from ..services.cases import case_assessment_give

    case, phase = case_for_assessment(user=user, resident=resident, params=params)
    if case is None:
        return None
    return GivingContext(give=partial(case_assessment_give, case=case, phase=phase))


# ---------------------------------------------------------------------------------------------
# The archive's timeline: the service workflow's clinical entries (archives.selectors calls this)


def archive_workflow_entries(resident, *, clinical: bool = True) -> list:
    """Cases (opened, transferred, closed), sessions, plans, referrals, follow-ups and hotline
    entries of one resident, as archive timeline entries. One query per kind, whatever their
    number. Only what identifies an event is shown: session content stays on the session page,
    and private notes are never read here."""
    if not clinical:
        return []
    from archives.timeline import TimelineEntry
    from workflow.models import CaseReopening, CaseTransfer, FollowUpTask, HotlineEntry

    entries = []
    transfers = list(
        CaseTransfer.objects.filter(case__resident=resident).select_related(
            "case", "from_counsellor", "to_counsellor"
        )
    )
    # Who held a case when it was opened: the first transfer's "from", else its counsellor now.
    first_holder = {}
    for transfer in transfers:
        first_holder.setdefault(transfer.case_id, transfer.from_counsellor)
    for case in Case.objects.filter(resident=resident).select_related("counsellor", "opened_by"):
        url = url_or_blank("workflow:case_detail", case.pk)
        holder = first_holder.get(case.pk, case.counsellor)
        detail = holder.full_name
        if case.opened_by_id != holder.pk:
            detail = _("%(counsellor)s · opened by %(opener)s") % {
                "counsellor": holder.full_name,
                "opener": case.opened_by.full_name,
            }
        entries.append(
            TimelineEntry(
                case.opened_at,
                "case",
                _("Case %(number)s opened") % {"number": case.number},
                detail,
                clinical=True,
                url=url,
            )
        )
        if case.status == Case.Status.CLOSED and case.closed_at:
            entries.append(
                TimelineEntry(
                    case.closed_at,
                    "case",
                    _("Case %(number)s closed: %(outcome)s")
                    % {"number": case.number, "outcome": case.get_outcome_display()},
                    clinical=True,
                    url=url,
                )
            )
    for transfer in transfers:
        entries.append(
            TimelineEntry(
                transfer.at,
                "case",
                _("Case %(number)s transferred") % {"number": transfer.case.number},
                f"{transfer.from_counsellor.full_name} → {transfer.to_counsellor.full_name}"
                f" · {transfer.reason}",
                clinical=True,
                url=url_or_blank("workflow:case_detail", transfer.case_id),
            )
        )
    for reopening in CaseReopening.objects.filter(case__resident=resident).select_related("case", "by"):
        entries.append(
            TimelineEntry(
                reopening.at,
                "case",
                _("Case %(number)s reopened") % {"number": reopening.case.number},
                f"{reopening.by.full_name} · {reopening.reason}",
                clinical=True,
                url=url_or_blank("workflow:case_detail", reopening.case_id),
            )
        )
    sessions = SessionRecord.objects.filter(case__resident=resident).select_related("case", "recorded_by")
    for session in sessions:
        entries.append(
            TimelineEntry(
                session.held_at,
                "session",
                _("Session %(number)s of case %(case)s")
                % {"number": session.number, "case": session.case.number},
                _("%(modality)s · %(minutes)s min · %(by)s")
                % {
                    "modality": session.get_modality_display(),
                    "minutes": session.duration_minutes,
                    "by": session.recorded_by.full_name,
                },
                clinical=True,
                url=url_or_blank("workflow:session_detail", session.pk),
            )
        )
    for plan in ServicePlan.objects.filter(case__resident=resident).select_related("case"):
        entries.append(
            TimelineEntry(
                plan.created_at,
                "plan",
                _("Service plan v%(version)s of case %(case)s")
                % {"version": plan.version, "case": plan.case.number},
                f"{plan.period_start:%Y-%m-%d} – {plan.period_end:%Y-%m-%d}"
                + (f" · {plan.revision_reason}" if plan.revision_reason else ""),
                clinical=True,
                url=url_or_blank("workflow:case_detail", plan.case_id),
            )
        )
    for referral in Referral.objects.filter(case__resident=resident).select_related("institution"):
        receipt = _("receipt confirmed") if referral.receipt_confirmed_at else _("waiting for the receipt")
        entries.append(
            TimelineEntry(
                referral.referred_at,
                "referral",
                _("Referred to %(institution)s") % {"institution": referral.institution.name},
                f"{referral.get_urgency_display()} · {receipt}",
                clinical=True,
                url=url_or_blank("workflow:referral_detail", referral.pk),
            )
        )
    for task in FollowUpTask.objects.filter(resident=resident):
        url = url_or_blank("workflow:followup_detail", task.pk)
        entries.append(
            TimelineEntry(
                task.created_at,
                "follow_up",
                _("Follow-up planned"),
                _("%(reason)s · due %(due)s · %(method)s · %(status)s")
                % {
                    "reason": task.reason,
                    "due": f"{task.due_on:%Y-%m-%d}",
                    "method": task.get_method_display(),
                    "status": task.get_status_display(),
                },
                clinical=True,
                url=url,
            )
        )
        if task.completed_at:
            entries.append(
                TimelineEntry(
                    task.completed_at,
                    "follow_up",
                    _("Follow-up done: %(reason)s") % {"reason": task.reason},
                    clinical=True,
                    url=url,
                )
            )
    for entry in HotlineEntry.objects.filter(resident=resident):
        detail = [entry.get_topic_display(), entry.get_action_display()]
        if entry.risk_positive:
            detail.append(_("risk check positive"))
        entries.append(
            TimelineEntry(
                entry.started_at,
                "hotline",
                _("Hotline / online consultation: %(channel)s") % {"channel": entry.get_channel_display()},
                " · ".join(str(part) for part in detail),
                clinical=True,
                url=url_or_blank("workflow:hotline_detail", entry.pk),
            )
        )
    return entries
