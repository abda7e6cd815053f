"""Query helpers that know no app."""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet


def count_many(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """The row count of each queryset, read in one query: a SELECT of one scalar subquery a
    queryset. For pages that show several counts at once (the navigation's "work waiting"), where
    one query each would put a dozen queries on every page."""
    if not querysets:
        return {}
    names = list(querysets)
    parts, params = [], []
    by_alias: dict[str, list] = {}
    for name in names:
        queryset = querysets[name]
        by_alias.setdefault(queryset.db, [])
        sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        # The inner SQL is Django's own compiled query, its values passed apart as parameters;
        # nothing a user typed is formatted into the string.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(parts)})")  # noqa: S608
        params.extend(sql_params)
    if len(by_alias) > 1:
        raise ValueError("count_many reads from one database at a time")
    with connections[next(iter(by_alias))].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(names, (int(value) for value in row), strict=True))
