"""The programme records that fulfil plan items, read from the apps below (registered in
``WorkPlansConfig.ready``): held activities, held group sessions, newsletters and screening
campaigns. Each is found under the reader's access policy and the plan's unit.

Training (STF-2) is the extension point left open: see ``workplans.records``.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from articles.models import Newsletter
from assessments.models import Campaign
from confidentiality import policy
from groupcounselling.models import GroupProgramme, GroupSession

from .records import Record, RecordSource, register_record_source


def _subtree(unit) -> str:
    return unit.path


def _activity(activity) -> Record:
    return Record(
        source="activity",
        pk=activity.pk,
        title=activity.title,
        on=timezone.localtime(activity.starts_at).date(),
        url=reverse("activities:detail", args=[activity.pk]),
    )


def find_activities(user, unit, first, last) -> list[Record]:
    held = policy.filter_for(user, Activity).filter(
        status__in=[Activity.Status.HELD, Activity.Status.SUMMARISED],
        starts_at__date__range=(first, last),
    )
    held = held.filter(
        Q(site__org_unit__path__startswith=_subtree(unit))
        | Q(audience_units__path__startswith=_subtree(unit))
    ).distinct()
    return [_activity(a) for a in held.order_by("starts_at")]


def describe_activities(pks) -> dict[int, Record]:
    return {a.pk: _activity(a) for a in Activity.objects.filter(pk__in=list(pks))}


def _session(session) -> Record:
    return Record(
        source="group_session",
        pk=session.pk,
        title=gettext("%(group)s, session %(number)s")
        % {"group": session.programme.name, "number": session.number},
        on=timezone.localtime(session.starts_at).date(),
        url=reverse("groupcounselling:session", args=[session.programme_id, session.number]),
    )


def find_group_sessions(user, unit, first, last) -> list[Record]:
    # Sessions of the groups the person may see (leaders and report readers): only the group's
    # name, the session's number and its day are shown here, never its notes.
    programmes = policy.filter_for(user, GroupProgramme).filter(org_unit__path__startswith=_subtree(unit))
    sessions = GroupSession.objects.filter(
        programme__in=programmes, status=GroupSession.Status.HELD, starts_at__date__range=(first, last)
    ).select_related("programme")
    return [_session(s) for s in sessions.order_by("starts_at")]


def describe_group_sessions(pks) -> dict[int, Record]:
    return {
        s.pk: _session(s) for s in GroupSession.objects.filter(pk__in=list(pks)).select_related("programme")
    }


def _newsletter(newsletter) -> Record:
    return Record(
        source="newsletter",
        pk=newsletter.pk,
        title=str(newsletter),
        on=timezone.localtime(newsletter.created_at).date(),
        url=reverse("articles:newsletter", args=[newsletter.pk]),
    )


def find_newsletters(user, unit, first, last) -> list[Record]:
    issues = policy.filter_for(user, Newsletter).filter(created_at__date__range=(first, last))
    issues = issues.filter(Q(sent_to__path__startswith=_subtree(unit)) | Q(sent_to__isnull=True)).distinct()
    return [_newsletter(n) for n in issues.order_by("created_at")]


def describe_newsletters(pks) -> dict[int, Record]:
    return {n.pk: _newsletter(n) for n in Newsletter.objects.filter(pk__in=list(pks))}


def _campaign(campaign) -> Record:
    return Record(
        source="campaign",
        pk=campaign.pk,
        title=campaign.name,
        on=campaign.starts_on,
        url=reverse("screening:campaign", args=[campaign.pk]),
    )


def find_campaigns(user, unit, first, last) -> list[Record]:
    campaigns = policy.filter_for(user, Campaign).filter(
        status__in=[Campaign.Status.RUNNING, Campaign.Status.CLOSED],
        starts_on__lte=last,
        ends_on__gte=first,
        target_units__path__startswith=_subtree(unit),
    )
    return [_campaign(c) for c in campaigns.distinct().order_by("starts_on")]


def describe_campaigns(pks) -> dict[int, Record]:
    return {c.pk: _campaign(c) for c in Campaign.objects.filter(pk__in=list(pks))}


def register_sources() -> None:
    register_record_source(
        RecordSource(
            kind="activity",
            label=_("Activity"),
            categories=frozenset({"lecture", "publicity", "meeting", "other"}),
            find=find_activities,
            describe=describe_activities,
        )
    )
    register_record_source(
        RecordSource(
            kind="group_session",
            label=_("Group session"),
            categories=frozenset({"group"}),
            find=find_group_sessions,
            describe=describe_group_sessions,
        )
    )
    register_record_source(
        RecordSource(
            kind="newsletter",
            label=_("Newsletter"),
            categories=frozenset({"newsletter", "publicity"}),
            find=find_newsletters,
            describe=describe_newsletters,
        )
    )
    register_record_source(
        RecordSource(
            kind="campaign",
            label=_("Screening campaign"),
            categories=frozenset({"screening"}),
            find=find_campaigns,
            describe=describe_campaigns,
        )
    )
