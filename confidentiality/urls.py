from django.urls import path

from . import views

app_name = "confidentiality"

# Mounted at /staff/ (xinqiao/urls.py). The audit log has a prefix of its own; consent, disclosures,
# access requests and break-the-glass keep their paths under residents/, next to the archive page
# (archives/urls.py) they start from.
urlpatterns = [
    path("confidentiality/audit/", views.audit_log, name="audit_log"),
    path("residents/access/", views.access_requests, name="access_requests"),
    path("residents/access/new/", views.access_request_new, name="access_request_new"),
    path("residents/access/<int:grant_pk>/decide/", views.access_request_decide, name="access_decide"),
    path("residents/access/<int:grant_pk>/review/", views.break_glass_review, name="break_glass_review"),
    path("residents/emergency/", views.break_glass, name="break_glass"),
    path("residents/consent-texts/", views.consent_texts, name="consent_texts"),
    path("residents/<int:pk>/consents/new/", views.consent_add, name="consent_add"),
    path(
        "residents/<int:pk>/consents/<int:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("residents/<int:pk>/disclosures/new/", views.disclosure_add, name="disclosure_add"),
]
