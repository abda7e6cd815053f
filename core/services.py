"""Writes of the platform domain."""

from __future__ import annotations

from django.db import transaction

from confidentiality.services import audit_record

from .models import CentreProfile


@transaction.atomic
def centre_profile_update(*, actor, **fields) -> CentreProfile:
    """Save the centre's public profile (one row, created on first save)."""
    profile = CentreProfile.objects.select_for_update().order_by("pk").first() or CentreProfile()
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action="centre_profile.updated", obj=profile)
    return profile
