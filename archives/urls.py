from django.urls import path

from . import views

app_name = "archives"

urlpatterns = [
    path("", views.resident_list, name="list"),
    path("new/", views.resident_register, name="register"),
    path("review/", views.review_list, name="review_list"),
    path("<int:pk>/", views.archive_detail, name="detail"),
    path("<int:pk>/print/", views.archive_print, name="print"),
    path("<int:pk>/correct/", views.resident_correct, name="correct"),
    path("<int:pk>/responsible/", views.archive_responsible, name="responsible"),
    path("<int:pk>/paper/", views.archive_paper_location, name="paper_location"),
    path("<int:pk>/status/", views.archive_status, name="status"),
    path("<int:pk>/risk/", views.archive_risk, name="risk"),
    path("<int:pk>/access-list/", views.archive_access_log, name="access_list"),
    path("<int:pk>/export/", views.archive_export, name="export"),
    path("<int:pk>/anonymise/", views.resident_anonymise, name="anonymise"),
]
