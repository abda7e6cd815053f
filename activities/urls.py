from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export/", views.statistics_export, name="statistics_export"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/do/<slug:action>/", views.activity_action, name="action"),
    path("<int:pk>/registrations/", views.registration_add, name="registration_add"),
    path("<int:pk>/roster/check-in/", views.roster_check_in, name="roster_check_in"),
    path("<int:pk>/headcounts/", views.headcount_add, name="headcount_add"),
    path("<int:pk>/door/", views.door_sign, name="door_sign"),
    path("<int:pk>/door.png", views.door_qr, name="door_qr"),
    path("parent-school/", views.family_list, name="families"),
    path("parent-school/<int:pk>/", views.family_detail, name="family"),
    path("parent-school/<int:pk>/certificate.pdf", views.family_certificate, name="family_certificate"),
    path("registrations/<int:pk>/<slug:action>/", views.registration_action, name="registration_action"),
]
