"""Reads of the organisation domain."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import OpeningHours, OrgUnit, Room, ServiceSite


def org_tree_for(*, units: QuerySet[OrgUnit]) -> list[tuple[OrgUnit, dict]]:
    """The visible units in tree order, annotated for nested lists (treebeard), in one query.

    ``units`` is a whole branch (the policy hands out a scope root and everything below it).
    """
    return OrgUnit.objects.get_annotated_list_qs(units.order_by("path"))


def sites_with_rooms_and_hours(*, sites: QuerySet[ServiceSite]) -> QuerySet[ServiceSite]:
    return sites.select_related("org_unit").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("name")),
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
    )


def opening_hours_summary(*, sites: QuerySet[ServiceSite]) -> list[ServiceSite]:
    """Active sites with their hours, for the portal."""
    return list(sites_with_rooms_and_hours(sites=sites.filter(is_active=True)).order_by("name"))
