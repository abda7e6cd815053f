"""Staff URLs of the service workflow, mounted under /staff/service/. Each area keeps its own
``urlpatterns`` beside its views."""

from workflow.views import appointments, cases, followups, hotline, referrals, satisfaction

app_name = "workflow"

urlpatterns = [
    *appointments.urlpatterns,
    *cases.urlpatterns,
    *referrals.urlpatterns,
    *followups.urlpatterns,
    *hotline.urlpatterns,
    *satisfaction.urlpatterns,
]
