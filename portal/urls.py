"""The portal's URLs: every public, resident-facing page (no login), namespace ``portal``.

Mounted at the site root; the paths are those the pages always had (the self-test under /t/)."""

from django.urls import path

from .views import activities, appointments, articles, home, satisfaction, selftest, workplans

app_name = "portal"

urlpatterns = [
    path("", home.portal_home, name="home"),
    path("t/<str:token>/", selftest.selftest_start, name="selftest_start"),
    path("t/<str:token>/questions/", selftest.selftest_step, name="selftest_step"),
    path("t/<str:token>/finish/", selftest.selftest_finish, name="selftest_finish"),
    path("t/<str:token>/result/<str:key>/", selftest.selftest_result, name="selftest_result"),
    path("appointments/request/", appointments.appointment_request, name="appointment_request"),
    path("appointments/requested/", appointments.appointment_requested, name="appointment_requested"),
    path("feedback/<str:token>/", satisfaction.satisfaction, name="satisfaction"),
    path("articles/", articles.article_list, name="articles"),
    path("articles/<int:pk>/", articles.article_page, name="article"),
    path("articles/<int:pk>/cover/", articles.article_cover, name="article_cover"),
    path("activities/", activities.activity_list, name="activities"),
    path("work-plans/", workplans.plan_list, name="work_plans"),
    path("work-plans/<int:pk>/", workplans.plan_calendar, name="work_plan_calendar"),
    path("activities/<int:pk>/", activities.activity_signup, name="activity_signup"),
    path("activities/r/<str:token>/", activities.activity_registration, name="activity_registration"),
    path("activities/door/<str:token>/", activities.activity_door, name="activity_door"),
]
