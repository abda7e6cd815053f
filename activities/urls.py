from django.urls import path

from .views import activities, parent_school, roster, statistics

app_name = "activities"

urlpatterns = [
    path("", activities.activity_list, name="list"),
    path("new/", activities.activity_create, name="create"),
    path("statistics/", statistics.statistics, name="statistics"),
    path("statistics/export/", statistics.statistics_export, name="statistics_export"),
    path("<int:pk>/", activities.activity_detail, name="detail"),
    path("<int:pk>/edit/", activities.activity_edit, name="edit"),
    path("<int:pk>/do/<slug:action>/", activities.activity_action, name="action"),
    path("<int:pk>/registrations/", roster.registration_add, name="registration_add"),
    path("<int:pk>/roster/check-in/", roster.roster_check_in, name="roster_check_in"),
    path("<int:pk>/headcounts/", roster.headcount_add, name="headcount_add"),
    path("<int:pk>/door/", activities.door_sign, name="door_sign"),
    path("<int:pk>/door.png", activities.door_qr, name="door_qr"),
    path("parent-school/", parent_school.family_list, name="families"),
    path("parent-school/schools/<int:pk>/target/", parent_school.school_target_edit, name="school_target"),
    path("parent-school/<int:pk>/", parent_school.family_detail, name="family"),
    path(
        "parent-school/<int:pk>/certificate.pdf", parent_school.family_certificate, name="family_certificate"
    ),
    path("registrations/<int:pk>/<slug:action>/", roster.registration_action, name="registration_action"),
]
