"""Pieces every app's REST API shares: the shape of a refusal and of an id in a request.

Django REST framework only; no project app (each app's ``api`` and ``serializers`` modules
import from here, never from the ``api`` app).
"""

from __future__ import annotations

from rest_framework import serializers

MAX_ID = 2**63 - 1  # a database id; larger numbers cannot even be looked up


def id_field(**kwargs) -> serializers.IntegerField:
    """An id given in a request; the view resolves it under the policy."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class ErrorSerializer(serializers.Serializer):
    """A refusal, with its reason."""

    detail = serializers.CharField()
