from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("relay/", views.relay_list, name="relay_list"),
    path("<int:pk>/relayed/", views.mark_relayed, name="mark_relayed"),
    path("<int:pk>/unreachable/", views.mark_unreachable, name="mark_unreachable"),
]
