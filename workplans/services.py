"""Every write of work plans (PRG-3): plans through their states, items, versions after
approval, the records counted for occurrences, and the calendar feed's address.

The states are those of ``WorkPlan.ACTIONS``; each service checks the actor's access again
(``workplans.access``) and the state's table, and refuses with a sentence and nothing written.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from confidentiality import policy
from confidentiality.services import audit_record

from .models import CalendarFeed, OccurrenceLink, PlanItem, PlanVersion, WorkPlan
from .occurrences import periods_of
from .records import record_sources

Status = WorkPlan.Status
ITEM_FIELDS = ("title", "category", "owner", "target", "starts_on", "ends_on", "recurrence")


# ---------------------------------------------------------------------------------------------
# Helpers


def _lock(plan: WorkPlan) -> WorkPlan:
    return WorkPlan.objects.select_for_update().select_related("org_unit").get(pk=plan.pk)


def _require_edit(actor, plan: WorkPlan) -> None:
    if not policy.can_edit_plan(actor, plan):
        raise PermissionDenied


def _require_approver(actor, plan: WorkPlan) -> None:
    if not policy.can_approve_plan(actor, plan):
        raise PermissionDenied


def _change_action(plan: WorkPlan, reason: str) -> str:
    """A change before approval is an edit; after it, a revision that needs a reason."""
    if WorkPlan.ACTIONS.allows(plan, "edit"):
        return "edit"
    WorkPlan.ACTIONS.require(
        plan, "revise", gettext("An approved plan that is closed can no longer be changed.")
    )
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": gettext("The plan is already approved: say why it changes (a new version is kept).")}
        )
    return "revise"


def snapshot_of(plan: WorkPlan) -> dict:
    """The plan's content as a version keeps it (names and dates as text, to read back later)."""
    items = {}
    for item in plan.items.select_related("owner").order_by("starts_on", "pk"):
        items[str(item.pk)] = {
            "title": item.title,
            "category": item.get_category_display(),
            "owner": item.owner.full_name,
            "target": item.target,
            "starts_on": item.starts_on.isoformat(),
            "ends_on": item.ends_on.isoformat(),
            "recurrence": item.get_recurrence_display(),
        }
    return {"title": plan.title, "notes": plan.notes, "items": items}


def _keep_version(*, actor, plan: WorkPlan, reason: str) -> PlanVersion:
    version = PlanVersion(
        plan=plan, number=plan.version, reason=reason.strip(), snapshot=snapshot_of(plan), created_by=actor
    )
    version.full_clean()
    version.save()
    return version


def _after_change(*, actor, plan: WorkPlan, action: str, reason: str) -> None:
    """After a revision the plan has a new version number and that version is kept."""
    if action != "revise":
        return
    plan.version += 1
    plan.save(update_fields=["version"])
    _keep_version(actor=actor, plan=plan, reason=reason)
    audit_record(actor=actor, action="work_plan.revised", obj=plan, reason=reason.strip())


# ---------------------------------------------------------------------------------------------
# Plans


@transaction.atomic
def plan_create(*, actor, org_unit, year: int, term: str, title: str, notes: str = "") -> WorkPlan:
    """A draft plan for a unit in the writer's scope; one plan per unit and period."""
    if not policy.can_plan_for(actor, org_unit):
        raise PermissionDenied
    plan = WorkPlan(
        org_unit=org_unit, year=year, term=term, title=title.strip(), notes=notes, created_by=actor
    )
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="work_plan.created", obj=plan)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: WorkPlan, title: str, notes: str = "", reason: str = "") -> WorkPlan:
    """Edit a draft; after approval the change needs a reason and makes a new version."""
    _require_edit(actor, plan)
    plan = _lock(plan)
    action = _change_action(plan, reason)
    plan.title, plan.notes = title.strip(), notes
    plan.full_clean()
    plan.save()
    audit_record(actor=actor, action="work_plan.updated", obj=plan)
    _after_change(actor=actor, plan=plan, action=action, reason=reason)
    return plan


@transaction.atomic
def plan_submit(*, actor, plan: WorkPlan) -> WorkPlan:
    """A draft with at least one item goes to the approver."""
    _require_edit(actor, plan)
    plan = _lock(plan)
    WorkPlan.ACTIONS.require(plan, "submit")
    if not plan.items.exists():
        raise ValidationError(gettext("Add at least one item before submitting the plan."))
    plan.status = Status.SUBMITTED
    plan.submitted_by, plan.submitted_at = actor, timezone.now()
    plan.return_reason = ""
    plan.save()
    audit_record(actor=actor, action="work_plan.submitted", obj=plan)
    return plan


@transaction.atomic
def plan_return(*, actor, plan: WorkPlan, reason: str) -> WorkPlan:
    """The approver sends a submitted plan back to draft, with the reason."""
    _require_approver(actor, plan)
    plan = _lock(plan)
    WorkPlan.ACTIONS.require(plan, "return", gettext("Only a submitted plan can be returned."))
    if not (reason or "").strip():
        raise ValidationError({"reason": gettext("Say why the plan is returned.")})
    plan.status = Status.DRAFT
    plan.return_reason = reason.strip()
    plan.save()
    audit_record(actor=actor, action="work_plan.returned", obj=plan, reason=reason.strip())
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: WorkPlan) -> WorkPlan:
    """A submitted plan is approved by someone other than its submitter; the approved content is
    kept as version 1 (later changes make the next versions)."""
    _require_approver(actor, plan)
    plan = _lock(plan)
    WorkPlan.ACTIONS.require(plan, "approve", gettext("Only a submitted plan can be approved."))
    if plan.submitted_by_id == actor.pk:
        raise ValidationError(gettext("The person who submitted a plan cannot approve it."))
    plan.status = Status.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    _keep_version(actor=actor, plan=plan, reason="")
    audit_record(actor=actor, action="work_plan.approved", obj=plan)
    return plan


@transaction.atomic
def plan_activate(*, actor, plan: WorkPlan) -> WorkPlan:
    """An approved plan is put into effect."""
    _require_approver(actor, plan)
    plan = _lock(plan)
    WorkPlan.ACTIONS.require(plan, "activate", gettext("Only an approved plan can be put into effect."))
    plan.status = Status.ACTIVE
    plan.save()
    audit_record(actor=actor, action="work_plan.activated", obj=plan)
    return plan


@transaction.atomic
def plan_close(*, actor, plan: WorkPlan) -> WorkPlan:
    """An active plan is closed at the end of its period; it stays readable (the year-end view)."""
    _require_approver(actor, plan)
    plan = _lock(plan)
    WorkPlan.ACTIONS.require(plan, "close", gettext("Only a plan in effect can be closed."))
    plan.status = Status.CLOSED
    plan.save()
    audit_record(actor=actor, action="work_plan.closed", obj=plan)
    return plan


# ---------------------------------------------------------------------------------------------
# Items


def _check_owner(actor, owner) -> None:
    from accounts.models import User

    if not policy.filter_plan_owner_choices(actor, User.objects.filter(pk=owner.pk)).exists():
        raise ValidationError({"owner": gettext("Choose an owner among the staff in your scope.")})


@transaction.atomic
def item_create(
    *,
    actor,
    plan: WorkPlan,
    title: str,
    category: str,
    owner,
    starts_on: date,
    ends_on: date,
    recurrence: str = PlanItem.Recurrence.ONCE,
    target: str = "",
    reason: str = "",
) -> PlanItem:
    """An item inside the plan's period (refused otherwise), owned by staff in the writer's scope."""
    _require_edit(actor, plan)
    plan = _lock(plan)
    action = _change_action(plan, reason)
    _check_owner(actor, owner)
    item = PlanItem(
        plan=plan,
        title=title.strip(),
        category=category,
        owner=owner,
        target=target,
        starts_on=starts_on,
        ends_on=ends_on,
        recurrence=recurrence,
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="plan_item.created", obj=item)
    _after_change(actor=actor, plan=plan, action=action, reason=reason)
    return item


@transaction.atomic
def item_update(*, actor, item: PlanItem, reason: str = "", **fields) -> PlanItem:
    """Change an item; the same rules as a new one, and after approval a reason and a new version."""
    plan = item.plan
    _require_edit(actor, plan)
    plan = _lock(plan)
    action = _change_action(plan, reason)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    item.plan = plan
    for name in ITEM_FIELDS:
        if name in fields:
            setattr(item, name, fields[name].strip() if name == "title" else fields[name])
    if "owner" in fields:
        _check_owner(actor, item.owner)
    item.full_clean()
    item.save()
    audit_record(actor=actor, action="plan_item.updated", obj=item)
    _after_change(actor=actor, plan=plan, action=action, reason=reason)
    return item


@transaction.atomic
def item_delete(*, actor, item: PlanItem, reason: str = "") -> None:
    """Take an item out of the plan; after approval the earlier version still lists it."""
    plan = item.plan
    _require_edit(actor, plan)
    plan = _lock(plan)
    action = _change_action(plan, reason)
    audit_record(actor=actor, action="plan_item.deleted", obj=item)
    item.delete()
    _after_change(actor=actor, plan=plan, action=action, reason=reason)


# ---------------------------------------------------------------------------------------------
# Fulfilment


@transaction.atomic
def occurrence_link(
    *, actor, item: PlanItem, occurrence_on: date, source: str, object_id: int, confirmed: bool = False
) -> OccurrenceLink:
    """Count a record for one occurrence of an item: the owner or a plan writer, on an approved or
    active plan, with a record they may see that took place in the plan's unit during that
    occurrence. ``confirmed`` says it was a proposed match the owner confirmed."""
    if not policy.can_link_for_item(actor, item):
        raise PermissionDenied
    plan = _lock(item.plan)
    WorkPlan.ACTIONS.require(
        plan, "link", gettext("Records can be counted only once the plan is approved and until it is closed.")
    )
    periods = dict(periods_of(item))
    if occurrence_on not in periods:
        raise ValidationError(gettext("This item has no occurrence starting on that day."))
    kind = record_sources().get(source)
    if kind is None:
        raise ValidationError({"source": gettext("Unknown type of record.")})
    found = kind.find(actor, plan.org_unit, occurrence_on, periods[occurrence_on])
    if object_id not in {record.pk for record in found}:
        raise ValidationError(
            gettext(
                "That record did not take place in this unit during this occurrence, or you may not see it."
            )
        )
    link = OccurrenceLink(
        item=item,
        occurrence_on=occurrence_on,
        source=source,
        object_id=object_id,
        how=OccurrenceLink.How.CONFIRMED if confirmed else OccurrenceLink.How.LINKED,
        linked_by=actor,
    )
    link.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError:
        raise ValidationError(gettext("This record already counts for this occurrence.")) from None
    audit_record(
        actor=actor,
        action="plan_item.linked",
        obj=item,
        details={"occurrence": occurrence_on.isoformat(), "source": source, "object_id": object_id},
    )
    return link


@transaction.atomic
def occurrence_unlink(*, actor, link: OccurrenceLink) -> None:
    """A record linked by mistake no longer counts (while the plan still takes links)."""
    item = link.item
    if not policy.can_link_for_item(actor, item):
        raise PermissionDenied
    plan = _lock(item.plan)
    WorkPlan.ACTIONS.require(plan, "link", gettext("A closed plan's records can no longer be changed."))
    audit_record(
        actor=actor,
        action="plan_item.unlinked",
        obj=item,
        details={
            "occurrence": link.occurrence_on.isoformat(),
            "source": link.source,
            "object_id": link.object_id,
        },
    )
    link.delete()


# ---------------------------------------------------------------------------------------------
# Calendar feed


@transaction.atomic
def calendar_feed_issue(*, actor) -> CalendarFeed:
    """A new secret address for the person's own iCal feed; the previous one stops working."""
    if not policy.is_active_staff(actor):
        raise PermissionDenied
    feed, _created = CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token": secrets.token_urlsafe(32)}
    )
    audit_record(actor=actor, action="calendar_feed.issued", obj=feed)
    return feed
