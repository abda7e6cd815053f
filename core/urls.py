from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("centre/", views.centre_profile_edit, name="centre_profile"),
    path("centre/calendar/", views.calendar_days, name="calendar"),
]
