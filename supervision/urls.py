from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/recommendations/", views.recommendation_add, name="recommendation_add"),
    path("recommendations/<int:pk>/done/", views.recommendation_complete, name="recommendation_complete"),
    path(
        "recommendations/<int:pk>/not-adopted/", views.recommendation_decline, name="recommendation_decline"
    ),
    path("hours/", views.ledger_list, name="ledger_list"),
    path("hours/<int:pk>/", views.ledger_detail, name="ledger_detail"),
    path("hours/<int:pk>/statement.xlsx", views.ledger_export_xlsx, name="ledger_xlsx"),
    path("hours/<int:pk>/statement.pdf", views.ledger_export_pdf, name="ledger_pdf"),
]
