"""Staff pages: the watch list."""

urlpatterns: list = []
