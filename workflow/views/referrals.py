"""Staff pages: referrals."""

urlpatterns: list = []
