"""Public satisfaction survey page (no login, one-time link)."""

urlpatterns: list = []
