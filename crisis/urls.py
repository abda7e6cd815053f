"""Staff URLs of crisis work, mounted under /staff/crisis/ (the only place they are listed)."""

from django.urls import path

from crisis.views import alerts, cases, concerns, watch

app_name = "crisis"

urlpatterns = [
    # alerts
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/assign/", alerts.alert_assign, name="alert_assign"),
    path("alerts/<int:pk>/intervene/", alerts.alert_intervene, name="alert_intervene"),
    path("alerts/<int:pk>/resolve/", alerts.alert_resolve, name="alert_resolve"),
    path("alerts/<int:pk>/close/", alerts.alert_close, name="alert_close"),
    path("alerts/<int:pk>/note/", alerts.alert_add_note, name="alert_add_note"),
    path("rules/", alerts.rule_list, name="rule_list"),
    path("rules/<int:pk>/", alerts.rule_edit, name="rule_edit"),
    path("rules/new/", alerts.rule_create, name="rule_create"),
    path("rules/<int:pk>/change/", alerts.rule_change, name="rule_change"),
    # concerns
    path("concerns/", concerns.concern_list, name="concern_list"),
    path("concerns/new/", concerns.concern_create, name="concern_create"),
    path("concerns/<int:pk>/received/", concerns.concern_received, name="concern_received"),
    path("flags/new/", concerns.flag_create, name="flag_create"),
    # cases
    path("cases/", cases.case_list, name="case_list"),
    path("alerts/<int:pk>/crisis-case/", cases.case_open, name="case_open"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/risk-assessment/", cases.case_risk_assessment, name="case_risk_assessment"),
    path("cases/<int:pk>/safety-plan/", cases.case_safety_plan, name="case_safety_plan"),
    path("cases/<int:pk>/safety-plan/print/", cases.safety_plan_print, name="safety_plan_print"),
    path("cases/<int:pk>/safety-plan/pdf/", cases.safety_plan_pdf, name="safety_plan_pdf"),
    path("cases/<int:pk>/actions/", cases.case_action, name="case_action"),
    path("cases/<int:pk>/checks/<int:check_pk>/done/", cases.case_check_complete, name="case_check_complete"),
    path("cases/<int:pk>/checks/<int:check_pk>/waive/", cases.case_check_waive, name="case_check_waive"),
    path("cases/<int:pk>/request-close/", cases.case_request_close, name="case_request_close"),
    path("cases/<int:pk>/review/", cases.case_review, name="case_review"),
    # watch
    path("watch/", watch.watch_list, name="watch_list"),
    path("watch/add/", watch.watch_add, name="watch_add"),
    path("watch/<int:pk>/review/", watch.watch_review, name="watch_review"),
    path("watch/<int:pk>/remove/", watch.watch_remove, name="watch_remove"),
]
