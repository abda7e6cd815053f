from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("portal.urls")),
    path("accounts/", include("accounts.urls")),
    path("staff/", include("dashboard.urls")),
    path("staff/", include("core.urls")),
    path("staff/org/", include("orgs.urls")),
    path("staff/", include("confidentiality.urls")),
    path("staff/residents/", include("archives.urls")),
    path("staff/assessments/", include("assessments.urls")),
    path("staff/assessments/", include("screening.urls")),
    path("staff/service/", include("workflow.urls")),
    path("staff/outbox/", include("notifications.urls")),
    path("staff/crisis/", include("crisis.urls")),
    path("staff/activities/", include("activities.urls")),
    path("staff/groups/", include("groupcounselling.urls")),
    path("staff/articles/", include("articles.urls")),
    path("staff/volunteers/", include("volunteers.urls")),
    path("staff/monthly-reports/", include("monthlyreports.urls")),
    path("staff/work-plans/", include("workplans.urls")),
    path("staff/quality/", include("quality.urls")),
    path("staff/people/", include("staff.urls")),
    path("staff/supervision/", include("supervision.urls")),
    path("staff/complaints/", include("complaints.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
