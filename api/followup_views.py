"""API: followup endpoints (under the same policy as the UI)."""

urlpatterns: list = []
