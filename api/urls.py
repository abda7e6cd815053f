"""The /api/v1/ URL list: every endpoint's path and name, each view from its app."""

from django.urls import path

from assessments import api as assessments_api
from crisis.api import alerts
from workflow.api import appointments, cases, followups

from . import views

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
    path("instruments/", assessments_api.InstrumentList.as_view(), name="instruments"),
    path("instruments/<slug:code>/", assessments_api.InstrumentDetail.as_view(), name="instrument"),
    path("assessments/", assessments_api.AssessmentListCreate.as_view(), name="assessments"),
    path("public/selftests/<str:token>/", assessments_api.PublicSelfTest.as_view(), name="public_selftest"),
    path("appointments/", appointments.AppointmentListCreate.as_view(), name="appointments"),
    path("appointments/<int:pk>/", appointments.AppointmentDetail.as_view(), name="appointment"),
    path(
        "appointments/<int:pk>/confirm/",
        appointments.AppointmentConfirm.as_view(),
        name="appointment_confirm",
    ),
    path(
        "appointments/<int:pk>/cancel/",
        appointments.AppointmentCancel.as_view(),
        name="appointment_cancel",
    ),
    path(
        "appointments/<int:pk>/reschedule/",
        appointments.AppointmentReschedule.as_view(),
        name="appointment_reschedule",
    ),
    path("cases/", cases.CaseListCreate.as_view(), name="cases"),
    path("cases/<int:pk>/", cases.CaseDetail.as_view(), name="case"),
    path("cases/<int:pk>/sessions/", cases.CaseSessions.as_view(), name="case_sessions"),
    path("followups/", followups.FollowUpList.as_view(), name="followups"),
    path("followups/<int:pk>/", followups.FollowUpDetail.as_view(), name="followup"),
    path("followups/<int:pk>/complete/", followups.FollowUpComplete.as_view(), name="followup_complete"),
    path("alerts/", alerts.AlertList.as_view(), name="alerts"),
    path("alerts/<int:pk>/", alerts.AlertDetail.as_view(), name="alert"),
    path("alerts/<int:pk>/acknowledge/", alerts.AlertAcknowledge.as_view(), name="alert_acknowledge"),
    path("alerts/<int:pk>/assign/", alerts.AlertAssign.as_view(), name="alert_assign"),
    path("signals/", alerts.SignalCreate.as_view(), name="signals"),
]
