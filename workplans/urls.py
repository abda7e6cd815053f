from django.urls import path

from . import views

app_name = "workplans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("my-calendar/", views.my_feed, name="my_feed"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/do/<slug:action>/", views.plan_action, name="action"),
    path("<int:pk>/versions/", views.plan_versions, name="versions"),
    path("<int:pk>/calendar/", views.plan_calendar, name="calendar"),
    path("<int:pk>/year-end/", views.plan_year_end, name="year_end"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/items/<int:item_pk>/<str:key>/", views.occurrence_detail, name="occurrence"),
    path("<int:pk>/items/<int:item_pk>/<str:key>/link/", views.occurrence_link, name="occurrence_link"),
    path(
        "<int:pk>/items/<int:item_pk>/<str:key>/unlink/<int:link_pk>/",
        views.occurrence_unlink,
        name="occurrence_unlink",
    ),
]
