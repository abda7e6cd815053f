from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("instruments/", views.instrument_library, name="library"),
    path("resident/<int:pk>/new/", views.assessment_new, name="new"),
    path("resident/<int:pk>/preview/", views.assessment_preview, name="preview"),
    path("resident/<int:pk>/trend/<slug:code>/", views.assessment_trend, name="trend"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/correct/", views.assessment_correct, name="correct"),
]
