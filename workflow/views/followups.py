"""Staff pages: followups."""

urlpatterns: list = []
