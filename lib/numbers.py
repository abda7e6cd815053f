"""Human-readable running numbers (XQ2026-000123, C2026-0042) that stay unique under concurrency.

A number is the prefix and the next sequence after the highest one stored. Two writers at the
same moment can pick the same number; the unique constraint on the field refuses the second,
which then takes the next one. Each try runs in its own savepoint, so the caller's transaction
survives the refusal.

Only Django is imported here: lib/ serves every app and knows none.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length

ATTEMPTS = 5


def next_number(queryset: models.QuerySet, *, field: str, prefix: str, width: int) -> str:
    """The next free number ``prefix`` + sequence (zero-padded to ``width``) among ``queryset``.

    Longest first, then highest: once the sequence outgrows its width, "C2026-10000" sorts below
    "C2026-9999" as text.
    """
    last = (
        queryset.filter(**{f"{field}__startswith": prefix})
        .annotate(_number_length=Length(field))
        .order_by("-_number_length", f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:0{width}d}"


def save_with_next_number(
    instance: models.Model, *, field: str, number: Callable[[], str], attempts: int = ATTEMPTS
) -> None:
    """Save ``instance`` under the number ``number()`` gives, taking the next one when a writer
    at the same moment took it first (each try in its own savepoint)."""
    for attempt in range(attempts):
        setattr(instance, field, number())
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
            continue
        return
