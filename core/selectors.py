"""Reads of the platform base: the centre's public profile."""

from __future__ import annotations

from .models import CentreProfile


def centre_profile() -> CentreProfile:
    profile = CentreProfile.objects.order_by("pk").first()
    return profile or CentreProfile()
