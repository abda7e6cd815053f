"""Screening's URLs: the staff pages under /staff/assessments/campaigns/ (namespace ``screening``);
the public self-test under /t/ is a portal page (portal/urls.py)."""

from django.urls import path

from .views import campaigns, imports

app_name = "screening"

urlpatterns = [
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/qr.png", campaigns.campaign_qr, name="campaign_qr"),
    path("campaigns/<int:pk>/status/", campaigns.campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/report/", campaigns.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/follow-ups/", campaigns.campaign_followups, name="campaign_followups"),
    path("campaigns/<int:pk>/import/", imports.import_start, name="campaign_import"),
    path("campaigns/<int:pk>/import/template/", imports.import_template, name="campaign_import_template"),
    path("campaigns/<int:pk>/import/<int:job_pk>/", imports.import_job, name="campaign_import_job"),
    path(
        "campaigns/<int:pk>/import/<int:job_pk>/status/",
        imports.import_job_status,
        name="campaign_import_status",
    ),
]
