"""Staff URLs of the crisis domain, mounted under /staff/crisis/."""

from crisis.views import alerts, cases, reports, watch

app_name = "crisis"

urlpatterns = [*alerts.urlpatterns, *reports.urlpatterns, *cases.urlpatterns, *watch.urlpatterns]
