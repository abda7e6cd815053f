from django.urls import path

from . import views

app_name = "groupcounselling"

urlpatterns = [
    path("", views.group_list, name="list"),
    path("new/", views.group_create, name="create"),
    path("<int:pk>/", views.group_detail, name="detail"),
    path("<int:pk>/finish/", views.group_finish, name="finish"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/screen/", views.member_screen, name="member_screen"),
    path("<int:pk>/members/<int:member_pk>/enrol/", views.member_enrol, name="member_enrol"),
    path("<int:pk>/members/<int:member_pk>/drop/", views.member_drop, name="member_drop"),
    path("<int:pk>/members/<int:member_pk>/score/", views.member_score, name="member_score"),
    path("<int:pk>/sessions/<int:number>/", views.session_detail, name="session"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
