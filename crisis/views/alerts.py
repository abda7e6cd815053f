"""Staff pages of the crisis domain."""

urlpatterns: list = []
