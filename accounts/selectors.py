"""Reads of the staff-accounts domain."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import User


def users_for_listing(
    *, queryset: QuerySet[User], query: str = "", role: str = "", active: str = ""
) -> QuerySet[User]:
    """Accounts for the staff list: one query with the scope unit joined in."""
    if query:
        queryset = queryset.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    if role:
        queryset = queryset.filter(role=role)
    if active in {"1", "0"}:
        queryset = queryset.filter(is_active=active == "1")
    return queryset.select_related("org_unit").order_by("-is_active", "username")
