from django.urls import path

from . import campaign_views, import_views, instrument_views, views

app_name = "assessments"

urlpatterns = [
    path("instruments/", instrument_views.instrument_library, name="library"),
    path("resident/<int:pk>/new/", views.assessment_new, name="new"),
    path("resident/<int:pk>/preview/", views.assessment_preview, name="preview"),
    path("resident/<int:pk>/trend/<slug:code>/", views.assessment_trend, name="trend"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/correct/", views.assessment_correct, name="correct"),
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/qr.png", campaign_views.campaign_qr, name="campaign_qr"),
    path("campaigns/<int:pk>/status/", campaign_views.campaign_status, name="campaign_status"),
    path("campaigns/<int:pk>/report/", campaign_views.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/follow-ups/", campaign_views.campaign_followups, name="campaign_followups"),
    path("campaigns/<int:pk>/import/", import_views.import_start, name="campaign_import"),
    path(
        "campaigns/<int:pk>/import/template/", import_views.import_template, name="campaign_import_template"
    ),
    path("campaigns/<int:pk>/import/<int:job_pk>/", import_views.import_job, name="campaign_import_job"),
    path(
        "campaigns/<int:pk>/import/<int:job_pk>/status/",
        import_views.import_job_status,
        name="campaign_import_status",
    ),
]
