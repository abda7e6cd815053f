from django.urls import path  # noqa: F401  (the paths come with the app's views)

app_name = "supervision"

urlpatterns: list = []
