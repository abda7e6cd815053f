"""Staff pages: hotline."""

urlpatterns: list = []
