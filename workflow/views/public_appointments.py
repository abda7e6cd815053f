"""Public pages of the service workflow (no login): appointment requests and satisfaction."""

urlpatterns: list = []
