from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="articles"),
    path("new/", views.article_new, name="article_new"),
    path("preview/", views.article_preview, name="article_preview"),
    path("<int:pk>/", views.article_detail, name="article"),
    path("<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("<int:pk>/submit/", views.article_submit, name="article_submit"),
    path("<int:pk>/review/", views.article_review, name="article_review"),
    path("<int:pk>/schedule/", views.article_schedule, name="article_schedule"),
    path("<int:pk>/withdraw/", views.article_withdraw, name="article_withdraw"),
    path("<int:pk>/cover/", views.article_cover, name="article_cover"),
    path("newsletters/", views.newsletter_list, name="newsletters"),
    path("newsletters/new/", views.newsletter_new, name="newsletter_new"),
    path("newsletters/<int:pk>/", views.newsletter_detail, name="newsletter"),
    path("newsletters/<int:pk>/edit/", views.newsletter_edit, name="newsletter_edit"),
    path("newsletters/<int:pk>/pdf/", views.newsletter_pdf, name="newsletter_pdf"),
]
