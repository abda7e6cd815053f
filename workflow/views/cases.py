"""Staff pages: cases."""

urlpatterns: list = []
