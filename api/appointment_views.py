"""API: appointment endpoints (under the same policy as the UI)."""

urlpatterns: list = []
