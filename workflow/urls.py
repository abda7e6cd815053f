"""Staff URLs of the service workflow, mounted under /staff/service/ (the only place they are listed)."""

from django.urls import path

from workflow.views import appointments, cases, followups, hotline, referrals, satisfaction, sessions

app_name = "workflow"

urlpatterns = [
    # appointments
    path("appointments/", appointments.appointment_list, name="appointment_list"),
    path("appointments/new/", appointments.appointment_create, name="appointment_create"),
    path("appointments/calendar/", appointments.appointment_calendar, name="appointment_calendar"),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/confirm/", appointments.appointment_confirm, name="appointment_confirm"),
    path(
        "appointments/<int:pk>/reschedule/",
        appointments.appointment_reschedule,
        name="appointment_reschedule",
    ),
    path("appointments/<int:pk>/check-in/", appointments.appointment_check_in, name="appointment_check_in"),
    path("appointments/<int:pk>/cancel/", appointments.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:pk>/no-show/", appointments.appointment_no_show, name="appointment_no_show"),
    # cases
    path("cases/", cases.case_list, name="case_list"),
    path("cases/open/", cases.case_open, name="case_open"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/transfer/", cases.case_transfer, name="case_transfer"),
    path("cases/<int:pk>/close/", cases.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", cases.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/intake/", cases.intake_edit, name="intake_edit"),
    path("cases/<int:pk>/plan/", cases.plan_create, name="plan_create"),
    path("plans/<int:pk>/agreement/", cases.plan_agreement, name="plan_agreement"),
    # sessions
    path("cases/<int:case_pk>/sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:pk>/note/", sessions.private_note, name="private_note"),
    path("sessions/<int:pk>/addendum/", sessions.session_addendum, name="session_addendum"),
    # referrals
    path("institutions/", referrals.institution_list, name="institution_list"),
    path("institutions/new/", referrals.institution_create, name="institution_create"),
    path("institutions/<int:pk>/edit/", referrals.institution_edit, name="institution_edit"),
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("cases/<int:case_pk>/referrals/new/", referrals.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/letter/", referrals.referral_letter, name="referral_letter"),
    path("referrals/<int:pk>/receipt/", referrals.referral_confirm_receipt, name="referral_confirm_receipt"),
    path("referrals/<int:pk>/outcome/", referrals.referral_record_outcome, name="referral_outcome"),
    # followups
    path("follow-ups/", followups.followup_list, name="followup_list"),
    path("follow-ups/new/", followups.followup_create, name="followup_create"),
    path("follow-ups/<int:pk>/", followups.followup_detail, name="followup_detail"),
    path("follow-ups/<int:pk>/complete/", followups.followup_complete, name="followup_complete"),
    path("follow-ups/<int:pk>/reassign/", followups.followup_reassign, name="followup_reassign"),
    path("follow-ups/<int:pk>/cancel/", followups.followup_cancel, name="followup_cancel"),
    # hotline
    path("hotline/", hotline.hotline_list, name="hotline_list"),
    path("hotline/new/", hotline.hotline_create, name="hotline_create"),
    path("hotline/<int:pk>/", hotline.hotline_detail, name="hotline_detail"),
    # satisfaction
    path("satisfaction/", satisfaction.satisfaction_list, name="satisfaction_list"),
    path("satisfaction/paper/", satisfaction.satisfaction_paper, name="satisfaction_paper_entry"),
    path("satisfaction/issue/", satisfaction.satisfaction_issue, name="satisfaction_issue"),
    path("satisfaction/<int:pk>/qr.png", satisfaction.satisfaction_qr, name="satisfaction_qr"),
]
