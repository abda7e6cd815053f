"""API: alerts and signals (under the same policy as the UI)."""

urlpatterns: list = []
