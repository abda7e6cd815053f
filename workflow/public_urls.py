"""Public URLs of the service workflow (no login), mounted at the site root by the portal."""

from workflow.views import public_appointments, public_satisfaction

app_name = "service_public"

urlpatterns = [
    *public_appointments.urlpatterns,
    *public_satisfaction.urlpatterns,
]
