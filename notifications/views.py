"""Staff pages of the outbox."""

urlpatterns: list = []
