"""Staff pages: appointments."""

urlpatterns: list = []
