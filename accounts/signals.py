"""Login, logout and failed-login events go to the audit log (CONF-6). No logic beyond that."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from confidentiality.services import audit_record
from lib.request_context import client_ip_from_request

from .services import login_session_forget, login_session_track


def _ip(request):
    return client_ip_from_request(request) if request is not None else None


@receiver(user_logged_in, dispatch_uid="xinqiao_audit_login")
def record_login(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        login_session_track(user=user, session_key=request.session.session_key)
    audit_record(actor=user, action="auth.login", obj=user, client_ip=_ip(request))


@receiver(user_logged_out, dispatch_uid="xinqiao_audit_logout")
def record_logout(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        login_session_forget(session_key=request.session.session_key)
    if user is not None:
        audit_record(actor=user, action="auth.logout", obj=user, client_ip=_ip(request))


@receiver(user_login_failed, dispatch_uid="xinqiao_audit_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("username", ""))[:150]
    audit_record(
        actor=None, action="auth.login_failed", details={"username": attempted}, client_ip=_ip(request)
    )
