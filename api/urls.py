from django.urls import path

from . import appointment_views, assessment_views, case_views, crisis_views, followup_views, views

app_name = "api"

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("auth/token/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("me/", views.MeView.as_view(), name="me"),
    path("org-units/", views.OrgUnitListCreate.as_view(), name="org_units"),
    path("org-units/<int:pk>/", views.OrgUnitDetail.as_view(), name="org_unit"),
    path("users/", views.UserList.as_view(), name="users"),
    path("users/<int:pk>/", views.UserDetail.as_view(), name="user"),
    path("residents/", views.ResidentListCreate.as_view(), name="residents"),
    path("residents/<int:pk>/", views.ResidentDetail.as_view(), name="resident"),
    path("instruments/", assessment_views.InstrumentList.as_view(), name="instruments"),
    path("instruments/<slug:code>/", assessment_views.InstrumentDetail.as_view(), name="instrument"),
    path("assessments/", assessment_views.AssessmentListCreate.as_view(), name="assessments"),
    path("public/selftests/<str:token>/", assessment_views.PublicSelfTest.as_view(), name="public_selftest"),
    *appointment_views.urlpatterns,
    *case_views.urlpatterns,
    *followup_views.urlpatterns,
    *crisis_views.urlpatterns,
]
