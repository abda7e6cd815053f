"""Staff pages: concern reports and risk flags."""

urlpatterns: list = []
