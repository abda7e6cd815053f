from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("units/new/", views.org_unit_add, name="unit_add"),
    path("units/<int:pk>/edit/", views.org_unit_edit, name="unit_edit"),
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_create, name="site_create"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/rooms/", views.room_add, name="room_add"),
    path("sites/<int:pk>/rooms/<int:room_pk>/toggle/", views.room_toggle, name="room_toggle"),
    path("sites/<int:pk>/hours/", views.hours_add, name="hours_add"),
    path("sites/<int:pk>/hours/<int:hours_pk>/remove/", views.hours_remove, name="hours_remove"),
    path("roster/", views.roster, name="roster"),
    path("roster/shifts/", views.roster_shift_add, name="roster_shift_add"),
    path("roster/shifts/<int:pk>/end/", views.roster_shift_end, name="roster_shift_end"),
    path("roster/exceptions/", views.roster_exception_add, name="roster_exception_add"),
    path("roster/exceptions/<int:pk>/remove/", views.roster_exception_remove, name="roster_exception_remove"),
]
