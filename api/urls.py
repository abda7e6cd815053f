"""The /api/v1/ URL list: every endpoint's path and name, each view from its app."""

from django.urls import path

from accounts import api as accounts_api
from archives import api as archives_api
from assessments import api as assessments_api
from crisis.api import alerts as alerts_api
from monthlyreports import api as monthly_api
from orgs import api as orgs_api
from screening import api as screening_api
from workflow.api import appointments as appointments_api
from workflow.api import cases as cases_api
from workflow.api import followups as followups_api

app_name = "api"

urlpatterns = [
    path("auth/token/", accounts_api.TokenObtainView.as_view(), name="token"),
    path("auth/token/revoke/", accounts_api.TokenRevokeView.as_view(), name="token_revoke"),
    path("me/", accounts_api.MeView.as_view(), name="me"),
    path("org-units/", orgs_api.OrgUnitListCreate.as_view(), name="org_units"),
    path("org-units/<int:pk>/", orgs_api.OrgUnitDetail.as_view(), name="org_unit"),
    path("users/", accounts_api.UserList.as_view(), name="users"),
    path("users/<int:pk>/", accounts_api.UserDetail.as_view(), name="user"),
    path("residents/", archives_api.ResidentListCreate.as_view(), name="residents"),
    path("residents/<int:pk>/", archives_api.ResidentDetail.as_view(), name="resident"),
    path("instruments/", assessments_api.InstrumentList.as_view(), name="instruments"),
    path("instruments/<slug:code>/", assessments_api.InstrumentDetail.as_view(), name="instrument"),
    path("assessments/", assessments_api.AssessmentListCreate.as_view(), name="assessments"),
    path("public/selftests/<str:token>/", screening_api.PublicSelfTest.as_view(), name="public_selftest"),
    path("appointments/", appointments_api.AppointmentListCreate.as_view(), name="appointments"),
    path("appointments/<int:pk>/", appointments_api.AppointmentDetail.as_view(), name="appointment"),
    path(
        "appointments/<int:pk>/confirm/",
        appointments_api.AppointmentConfirm.as_view(),
        name="appointment_confirm",
    ),
    path(
        "appointments/<int:pk>/cancel/",
        appointments_api.AppointmentCancel.as_view(),
        name="appointment_cancel",
    ),
    path(
        "appointments/<int:pk>/reschedule/",
        appointments_api.AppointmentReschedule.as_view(),
        name="appointment_reschedule",
    ),
    path("cases/", cases_api.CaseListCreate.as_view(), name="cases"),
    path("cases/<int:pk>/", cases_api.CaseDetail.as_view(), name="case"),
    path("cases/<int:pk>/sessions/", cases_api.CaseSessions.as_view(), name="case_sessions"),
    path("followups/", followups_api.FollowUpList.as_view(), name="followups"),
    path("followups/<int:pk>/", followups_api.FollowUpDetail.as_view(), name="followup"),
    path("followups/<int:pk>/complete/", followups_api.FollowUpComplete.as_view(), name="followup_complete"),
    path("alerts/", alerts_api.AlertList.as_view(), name="alerts"),
    path("alerts/<int:pk>/", alerts_api.AlertDetail.as_view(), name="alert"),
    path("alerts/<int:pk>/acknowledge/", alerts_api.AlertAcknowledge.as_view(), name="alert_acknowledge"),
    path("alerts/<int:pk>/assign/", alerts_api.AlertAssign.as_view(), name="alert_assign"),
    path("signals/", alerts_api.SignalCreate.as_view(), name="signals"),
    path("monthly-reports/", monthly_api.MonthlyReportListCreate.as_view(), name="monthly_reports"),
    path(
        "monthly-reports/completeness/",
        monthly_api.MonthlyReportCompleteness.as_view(),
        name="monthly_report_completeness",
    ),
    path("monthly-reports/<int:pk>/", monthly_api.MonthlyReportDetail.as_view(), name="monthly_report"),
    path(
        "monthly-reports/<int:pk>/submit/",
        monthly_api.MonthlyReportSubmit.as_view(),
        name="monthly_report_submit",
    ),
    path(
        "monthly-reports/<int:pk>/return/",
        monthly_api.MonthlyReportReturn.as_view(),
        name="monthly_report_return",
    ),
    path(
        "monthly-reports/<int:pk>/accept/",
        monthly_api.MonthlyReportAccept.as_view(),
        name="monthly_report_accept",
    ),
    path(
        "monthly-reports/<int:pk>/approve/",
        monthly_api.MonthlyReportApprove.as_view(),
        name="monthly_report_approve",
    ),
    path(
        "monthly-reports/<int:pk>/unapprove/",
        monthly_api.MonthlyReportUnapprove.as_view(),
        name="monthly_report_unapprove",
    ),
]
