"""The /api/v1/ URL list: every endpoint's path and name, each view from its app."""

from django.urls import path

from accounts import api as accounts_api
from activities import api as activities_api
from archives import api as archives_api
from articles import api as articles_api
from assessments import api as assessments_api
from crisis.api import alerts as alerts_api
from groupcounselling import api as groups_api
from monthlyreports import api as monthly_api
from orgs import api as orgs_api
from screening import api as screening_api
from supervision import api as supervision_api
from volunteers import api as volunteers_api
from workflow.api import appointments as appointments_api
from workflow.api import cases as cases_api
from workflow.api import followups as followups_api
from workplans import api as workplans_api

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
    path("articles/", articles_api.ArticleListCreate.as_view(), name="articles"),
    path("articles/<int:pk>/", articles_api.ArticleDetail.as_view(), name="article"),
    path("articles/<int:pk>/submit/", articles_api.ArticleSubmit.as_view(), name="article_submit"),
    path("articles/<int:pk>/review/", articles_api.ArticleReview.as_view(), name="article_review"),
    path("articles/<int:pk>/schedule/", articles_api.ArticleSchedule.as_view(), name="article_schedule"),
    path("articles/<int:pk>/withdraw/", articles_api.ArticleWithdraw.as_view(), name="article_withdraw"),
    path("newsletters/", articles_api.NewsletterListCreate.as_view(), name="newsletters"),
    path("newsletters/<int:pk>/", articles_api.NewsletterDetail.as_view(), name="newsletter"),
    path(
        "newsletters/<int:pk>/articles/",
        articles_api.NewsletterArticles.as_view(),
        name="newsletter_articles",
    ),
    path("newsletters/<int:pk>/pdf/", articles_api.NewsletterPDF.as_view(), name="newsletter_pdf"),
    path("groups/", groups_api.GroupListCreate.as_view(), name="groups"),
    path("groups/<int:pk>/", groups_api.GroupDetail.as_view(), name="group"),
    path("groups/<int:pk>/members/", groups_api.GroupMembers.as_view(), name="group_members"),
    path("groups/<int:pk>/sessions/", groups_api.GroupSessions.as_view(), name="group_sessions"),
    path("groups/<int:pk>/outcome/", groups_api.GroupOutcome.as_view(), name="group_outcome"),
    path(
        "group-sessions/<int:pk>/attendance/",
        groups_api.SessionAttendance.as_view(),
        name="group_session_attendance",
    ),
    path("activities/", activities_api.ActivityListCreate.as_view(), name="activities"),
    path("activities/<int:pk>/", activities_api.ActivityDetail.as_view(), name="activity"),
    path(
        "activities/<int:pk>/registrations/",
        activities_api.ActivityRegistrations.as_view(),
        name="activity_registrations",
    ),
    path(
        "registrations/<int:pk>/cancel/",
        activities_api.RegistrationCancel.as_view(),
        name="activity_registration_cancel",
    ),
    path(
        "registrations/<int:pk>/check-in/",
        activities_api.RegistrationCheckIn.as_view(),
        name="activity_registration_check_in",
    ),
    path("volunteers/", volunteers_api.VolunteerList.as_view(), name="volunteers"),
    path("volunteers/<int:pk>/", volunteers_api.VolunteerDetail.as_view(), name="volunteer"),
    path("visit-assignments/", volunteers_api.AssignmentList.as_view(), name="visit_assignments"),
    path("visit-assignments/<int:pk>/", volunteers_api.AssignmentDetail.as_view(), name="visit_assignment"),
    path("visits/", volunteers_api.VisitList.as_view(), name="visits"),
    path("visits/<int:pk>/", volunteers_api.VisitDetail.as_view(), name="visit"),
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
    # STF-3: supervision sessions and their recommendations (supervision/api.py).
    path("supervision-sessions/", supervision_api.SessionListCreate.as_view(), name="supervision_sessions"),
    path(
        "supervision-sessions/<int:pk>/", supervision_api.SessionDetail.as_view(), name="supervision_session"
    ),
    path(
        "supervision-sessions/<int:pk>/recommendations/",
        supervision_api.RecommendationListCreate.as_view(),
        name="supervision_recommendations",
    ),
    path(
        "supervision-sessions/<int:pk>/recommendations/<int:recommendation_pk>/",
        supervision_api.RecommendationDetail.as_view(),
        name="supervision_recommendation",
    ),
    path(
        "supervision-sessions/<int:pk>/recommendations/<int:recommendation_pk>/done/",
        supervision_api.RecommendationComplete.as_view(),
        name="supervision_recommendation_done",
    ),
    path(
        "supervision-sessions/<int:pk>/recommendations/<int:recommendation_pk>/not-adopted/",
        supervision_api.RecommendationDecline.as_view(),
        name="supervision_recommendation_not_adopted",
    ),
    path("work-plans/", workplans_api.WorkPlanListCreate.as_view(), name="work_plans"),
    path("work-plans/<int:pk>/", workplans_api.WorkPlanDetail.as_view(), name="work_plan"),
    path("work-plans/<int:pk>/items/", workplans_api.WorkPlanItems.as_view(), name="work_plan_items"),
    path(
        "work-plans/<int:pk>/occurrences/",
        workplans_api.WorkPlanOccurrences.as_view(),
        name="work_plan_occurrences",
    ),
    path(
        "work-plans/<int:pk>/<slug:action>/", workplans_api.WorkPlanAction.as_view(), name="work_plan_action"
    ),
]
