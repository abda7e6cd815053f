"""Staff URLs of the crisis domain, mounted under /staff/crisis/."""

from crisis.views import alerts, reports

app_name = "crisis"

urlpatterns = [*alerts.urlpatterns, *reports.urlpatterns]
