"""Screening's URLs: the staff pages under /staff/assessments/campaigns/ (namespace ``screening``)
and the public self-test under /t/ (namespace ``selftest``); the paths are those they always had."""

from django.urls import path

from .views import campaigns, imports, selftest

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

selftest_patterns = (
    [
        path("<str:token>/", selftest.selftest_start, name="start"),
        path("<str:token>/questions/", selftest.selftest_step, name="step"),
        path("<str:token>/finish/", selftest.selftest_finish, name="finish"),
        path("<str:token>/result/<str:key>/", selftest.selftest_result, name="result"),
    ],
    "selftest",
)
