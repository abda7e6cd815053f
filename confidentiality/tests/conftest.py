"""Shared fixtures of the confidentiality screens' tests: the residents and consent texts of the
archives tests (a test may build its data through any app), and URL helpers."""

from __future__ import annotations

from django.urls import reverse

from archives.tests.conftest import assigned, consent_texts, resident, world  # noqa: F401  (fixtures)


def url(name, *args):
    """A page of this app: confidentiality:<name>."""
    return reverse(f"confidentiality:{name}", args=args)


def archive_url(pk) -> str:
    """The archive page these screens start from and return to."""
    return reverse("archives:detail", args=[pk])
