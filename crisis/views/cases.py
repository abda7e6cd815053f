"""Staff pages: crisis cases, safety plans, action log, checks."""

urlpatterns: list = []
