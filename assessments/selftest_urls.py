from django.urls import path

from . import selftest_views

app_name = "selftest"

urlpatterns = [
    path("<str:token>/", selftest_views.selftest_start, name="start"),
    path("<str:token>/questions/", selftest_views.selftest_step, name="step"),
    path("<str:token>/finish/", selftest_views.selftest_finish, name="finish"),
    path("<str:token>/result/<str:key>/", selftest_views.selftest_result, name="result"),
]
