from django.urls import path

from . import views

app_name = "monthlyreports"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("completeness/", views.completeness, name="completeness"),
    path("assignments/", views.assignments, name="assignments"),
    path("blank.pdf", views.blank_pdf, name="blank_pdf"),
    path("paper/", views.paper_import, name="paper_import"),
    path("paper/template.xlsx", views.paper_template, name="paper_template"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/complete/", views.review_complete, name="review_complete"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/save/", views.save, name="save"),
    path("<int:pk>/concerns/", views.concern_add, name="concern_add"),
    path("<int:pk>/concerns/<int:row>/remove/", views.concern_remove, name="concern_remove"),
    path("<int:pk>/concerns/<int:row>/register/", views.concern_register, name="concern_register"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views.return_, name="return"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/unapprove/", views.unapprove, name="unapprove"),
]
