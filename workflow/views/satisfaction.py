"""Staff pages: satisfaction."""

urlpatterns: list = []
