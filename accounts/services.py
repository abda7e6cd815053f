"""Writes of the staff-accounts domain. Every change is audited through audit_record."""

from __future__ import annotations

import secrets
import string

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from confidentiality import policy
from confidentiality.roles import Role
from confidentiality.services import audit_record
from lib.encryption import blind_index

from .models import LoginSession, User
from .security import has_confirmed_device, two_factor_required

PHONE_INDEX_PURPOSE = "staff.phone"


def _generate_temporary_password() -> str:
    # Unambiguous characters only: the administrator reads it out or writes it down.
    alphabet = "".join(ch for ch in string.ascii_letters + string.digits if ch not in "0O1lI")
    return "".join(secrets.choice(alphabet) for _ in range(14))


def _set_phone(user: User, phone: str) -> None:
    user.phone = phone.strip()
    user.phone_index = blind_index(user.phone, purpose=PHONE_INDEX_PURPOSE) if user.phone else ""


def _set_supervisor(user: User, supervisor: User | None) -> None:
    """Only counsellors and therapists have a supervisor (who then sees their cases, CONF-2); it
    must be an active supervisor, and never the person themself."""
    if supervisor is None:
        user.supervisor = None
        return
    if user.role not in (Role.COUNSELLOR, Role.THERAPIST):
        raise ValidationError({"supervisor": _("Only counsellors and therapists have a supervisor.")})
    if supervisor.role != Role.SUPERVISOR or not supervisor.is_active or supervisor.pk == user.pk:
        raise ValidationError({"supervisor": _("Choose an active supervisor.")})
    user.supervisor = supervisor


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    role: str,
    org_unit,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    is_demo_account: bool = False,
    supervisor: User | None = None,
) -> tuple[User, str | None]:
    """Create a staff account with a role and a scope.

    Without a password a temporary one is generated, returned once, and must be changed at the
    first login. A given password must pass the password policy (10 characters at least).
    """
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        role=role,
        org_unit=org_unit,
        email=email.strip(),
        is_demo_account=is_demo_account,
    )
    _set_supervisor(user, supervisor)
    _set_phone(user, phone)
    temporary = None
    if password is None:
        temporary = _generate_temporary_password()
        password = temporary
        user.must_change_password = True
    else:
        password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        action="user.created",
        obj=user,
        details={"role": role, "org_unit": org_unit.pk, "supervisor": user.supervisor_id},
    )
    return user, temporary


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    full_name: str,
    role: str,
    org_unit,
    email: str = "",
    phone: str = "",
    supervisor: User | None = None,
) -> User:
    """Change a person's details, role, scope or supervisor. Nobody may change their own role,
    scope or supervisor (the supervisor sees one's cases)."""
    if actor.pk == user.pk and (
        role != user.role
        or org_unit.pk != user.org_unit_id
        or (supervisor and supervisor.pk) != user.supervisor_id
    ):
        raise ValidationError(_("You cannot change your own role or scope; ask another administrator."))
    if user.role == Role.SUPERVISOR and role != Role.SUPERVISOR and user.supervisees.exists():
        # Supervising is what opens their supervisees' cases to them; the policy looks at the
        # link, so the link must go before the role does.
        raise ValidationError(
            {
                "role": _(
                    "This supervisor still supervises counsellors: give them another supervisor "
                    "first, then change the role."
                )
            }
        )
    before = {"role": user.role, "org_unit": user.org_unit_id, "supervisor": user.supervisor_id}
    user.full_name = full_name.strip()
    user.role = role
    user.org_unit = org_unit
    user.email = email.strip()
    _set_supervisor(user, supervisor)
    _set_phone(user, phone)
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "role", "org_unit", "email", "phone", "phone_index", "supervisor"])
    after = {"role": user.role, "org_unit": user.org_unit_id, "supervisor": user.supervisor_id}
    audit_record(actor=actor, action="user.updated", obj=user, details={"before": before, "after": after})
    return user


def _end_sessions(user: User) -> int:
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()
    Token.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str = "") -> User:
    """Switch an account off: it can no longer log in, and its sessions and API token end now."""
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions(user)
    audit_record(
        actor=actor, action="user.deactivated", obj=user, reason=reason, details={"sessions_ended": ended}
    )
    return user


def user_record_viewed(*, actor: User, user: User) -> None:
    """Record that ``actor`` opened ``user``'s record, which shows encrypted contact details."""
    audit_record(actor=actor, action="user.viewed", obj=user)


@transaction.atomic
def user_reactivate(*, actor: User, user: User, reason: str = "") -> User:
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.reactivated", obj=user, reason=reason)
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """Give the account a temporary password, to be changed at next login; its sessions end."""
    temporary = _generate_temporary_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _end_sessions(user)
    audit_record(actor=actor, action="user.password_reset", obj=user)
    return temporary


@transaction.atomic
def user_reset_two_factor(*, actor: User, user: User, reason: str = "") -> int:
    """Remove a person's authenticator (lost phone); they set up a new one at next login."""
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    _end_sessions(user)
    audit_record(actor=actor, action="user.two_factor_reset", obj=user, reason=reason)
    return removed


@transaction.atomic
def user_change_own_password(*, user: User, old_password: str, new_password: str) -> User:
    """A person changes their own password: the old one must match and the new one pass policy."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your current password was entered incorrectly.")})
    password_validation.validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit_record(actor=user, action="user.password_changed", obj=user)
    return user


@transaction.atomic
def two_factor_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a person is setting up; one at a time."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


@transaction.atomic
def two_factor_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator with a code from it; only then does it count."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit_record(actor=user, action="user.two_factor_enrolled", obj=user)
    return True


@transaction.atomic
def login_session_track(*, user: User, session_key: str) -> None:
    LoginSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


@transaction.atomic
def login_session_forget(*, session_key: str) -> None:
    LoginSession.objects.filter(session_key=session_key).delete()


# ---------------------------------------------------------------------------------------------
# API tokens


def token_issue(*, user: User, otp: str | None = None) -> Token:
    """Issue the API token of ``user``, whose password the caller has just checked (with
    ``authenticate()`` and the request, so that django-axes counts the failures).

    Rule: only active staff hold a token, and a role with two-factor authentication must have a
    confirmed authenticator and give a current code from it. A person has one token: asking
    again gives the same one until it is revoked. Issuing is audited as ``api.token_issued``; a
    refusal issues and audits nothing.

    The code is checked before the transaction rather than inside it: django-otp records a wrong
    code (its throttling) and spends a right one, and refusing must not roll that back.
    """
    if not policy.is_active_staff(user):
        raise ValidationError(_("The user name or password is not correct."))
    if two_factor_required(user):
        if not has_confirmed_device(user):
            raise ValidationError({"otp": _("Set up two-factor authentication in the web interface first.")})
        if not otp or match_token(user, otp) is None:
            raise ValidationError({"otp": _("A valid six-digit authenticator code is required.")})
    with transaction.atomic():
        token, _created = Token.objects.get_or_create(user=user)
        audit_record(actor=user, action="api.token_issued", obj=user)
    return token


@transaction.atomic
def token_revoke(*, actor: User) -> None:
    """Revoke ``actor``'s own API token (logging out of the API); a new one can then be issued.

    Rule: a person revokes only their own token; another person's ends when their account is
    deactivated (``user_deactivate``). Audited as ``api.token_revoked``.
    """
    Token.objects.filter(user=actor).delete()
    audit_record(actor=actor, action="api.token_revoked", obj=actor)
