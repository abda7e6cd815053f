from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.profile_list, name="profile_list"),
    path("new/", views.profile_create, name="profile_create"),
    path("<int:pk>/", views.profile_detail, name="profile_detail"),
    path("<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/training/", views.profile_training, name="profile_training"),
    path("<int:pk>/agreement/", views.profile_agreement, name="profile_agreement"),
    path("<int:pk>/status/", views.profile_status, name="profile_status"),
    path("<int:pk>/assign/", views.assignment_create, name="assignment_create"),
    path("my/", views.my_visits, name="my_visits"),
    path("my/profile/", views.my_profile, name="my_profile"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/visit/", views.visit_create, name="visit_create"),
    path("assignments/<int:pk>/consent/", views.assignment_consent, name="assignment_consent"),
    path("assignments/<int:pk>/activate/", views.assignment_activate, name="assignment_activate"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("hours/", views.hours_list, name="hours_list"),
    path("visits/<int:pk>/hours/", views.visit_hours, name="visit_hours"),
]
