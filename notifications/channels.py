"""Notification channels (PRT-2). A channel delivers one ``Notification``; the outbox row is
written first, whatever the channel, so nothing is sent that is not on record.

``channel_for(name)`` returns the channel of that name. Channels raise ``DeliveryError`` with a
message a person can act on; the row then shows it and the status ``failed``.

SMS and WeChat do not talk to a provider directly: each centre contracts its own, and every
provider's API differs. They post one small JSON document to a gateway URL instead, and a centre
puts a thin adapter in front of its provider. The exact contract is in docs/notifications.md.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, send_mail
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from lib.identity import InvalidPhone, normalise_phone

from .models import Notification

DEFAULT_GATEWAY_TIMEOUT_SECONDS = 10
# The gateway's answer is only quoted in the error, so a short read is enough.
ERROR_EXCERPT_CHARS = 200


class DeliveryError(Exception):
    pass


class Channel(Protocol):
    name: str
    # Whether a successful delivery reaches the recipient (e-mail, SMS, WeChat) or only leaves
    # the message for a person to pass on (the outbox).
    reaches_recipient: bool

    def deliver(self, notification: Notification) -> None: ...


class OutboxChannel:
    """The default: the message stays in the outbox, where staff read it and pass it on."""

    name = Notification.Channel.OUTBOX
    reaches_recipient = False

    def deliver(self, notification: Notification) -> None:
        return None


class EmailChannel:
    """Django's mail (``EMAIL_BACKEND``), from ``DEFAULT_FROM_EMAIL``. A staff recipient is reached
    at their account's e-mail; anyone else at the notification's address."""

    name = Notification.Channel.EMAIL
    reaches_recipient = True

    def deliver(self, notification: Notification) -> None:
        if notification.recipient_user_id:
            address = notification.recipient_user.email
            if not address:
                raise DeliveryError(
                    _("The staff account %(username)s has no e-mail address.")
                    % {"username": notification.recipient_user.get_username()}
                )
        else:
            address = notification.recipient_address.strip()
        try:
            validate_email(address)
        except ValidationError as exc:
            raise DeliveryError(
                _("“%(address)s” is not an e-mail address; e-mail cannot reach it.") % {"address": address}
            ) from exc
        try:
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [address],
                fail_silently=False,
            )
        except BadHeaderError as exc:
            raise DeliveryError(_("The subject contains a line break, which e-mail does not allow.")) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(
                _("The mail server refused or could not be reached: %(reason)s") % {"reason": exc}
            ) from exc


def _timeout() -> float:
    return getattr(settings, "XINQIAO_NOTIFICATION_TIMEOUT_SECONDS", DEFAULT_GATEWAY_TIMEOUT_SECONDS)


def post_json(*, gateway: str, url: str, token: str, payload: dict) -> None:
    """POST ``payload`` as UTF-8 JSON with a bearer token; any 2xx answer means accepted."""
    if not url.lower().startswith(("https://", "http://")):
        # urllib would also open file:// and ftp:// URLs; a gateway is always HTTP.
        raise DeliveryError(
            _("The %(gateway)s gateway is not configured: its URL must start with http:// or https://.")
            % {"gateway": gateway}
        )
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Authorization": f"Bearer {token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as response:  # noqa: S310 (scheme checked above)
            response.read()
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(ERROR_EXCERPT_CHARS).decode("utf-8", "replace")
        raise DeliveryError(
            _("The %(gateway)s gateway refused the message (HTTP %(code)s): %(answer)s")
            % {"gateway": gateway, "code": exc.code, "answer": excerpt}
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(
            _("The %(gateway)s gateway could not be reached: %(reason)s")
            % {"gateway": gateway, "reason": reason}
        ) from exc


def _reference(notification: Notification) -> str:
    # Stable across retries, so an adapter can drop a message it has already passed on.
    return f"xinqiao-{notification.pk}"


class SmsChannel:
    """Posts to ``XINQIAO_SMS_GATEWAY_URL`` with ``XINQIAO_SMS_GATEWAY_TOKEN`` as bearer token;
    ``XINQIAO_SMS_SIGNATURE`` (the 短信签名 registered with the provider) goes with each message."""

    name = Notification.Channel.SMS
    reaches_recipient = True

    def deliver(self, notification: Notification) -> None:
        url = settings.XINQIAO_SMS_GATEWAY_URL
        token = settings.XINQIAO_SMS_GATEWAY_TOKEN
        if not url or not token:
            raise DeliveryError(
                _(
                    "The SMS channel is not configured: set XINQIAO_SMS_GATEWAY_URL and "
                    "XINQIAO_SMS_GATEWAY_TOKEN (see docs/notifications.md)."
                )
            )
        if not notification.recipient_address.strip():
            raise DeliveryError(_("There is no phone number to send this SMS to."))
        try:
            phone = normalise_phone(notification.recipient_address)
        except InvalidPhone as exc:
            raise DeliveryError(
                _("“%(address)s” is not a phone number; SMS cannot reach it.")
                % {"address": notification.recipient_address}
            ) from exc
        post_json(
            gateway=_("SMS"),
            url=url,
            token=token,
            payload={
                "reference": _reference(notification),
                "to": phone,
                "signature": settings.XINQIAO_SMS_SIGNATURE,
                "text": notification.body,
                "kind": notification.kind,
            },
        )


class WeChatChannel:
    """A WeChat official-account template message (模板消息), posted to the centre's gateway at
    ``XINQIAO_WECHAT_GATEWAY_URL``, which holds the app secret, fetches the access token and calls
    WeChat. Xinqiao says which account and template; the gateway fills the template's fields."""

    name = Notification.Channel.WECHAT
    reaches_recipient = True

    def deliver(self, notification: Notification) -> None:
        url = getattr(settings, "XINQIAO_WECHAT_GATEWAY_URL", "")
        token = getattr(settings, "XINQIAO_WECHAT_GATEWAY_TOKEN", "")
        app_id = settings.XINQIAO_WECHAT_APP_ID
        template_id = settings.XINQIAO_WECHAT_TEMPLATE_ID
        if not (app_id and template_id):
            raise DeliveryError(
                _(
                    "The WeChat channel is not configured: set XINQIAO_WECHAT_APP_ID and "
                    "XINQIAO_WECHAT_TEMPLATE_ID (see docs/notifications.md)."
                )
            )
        if not (url and token):
            raise DeliveryError(
                _(
                    "The WeChat channel needs a gateway: set XINQIAO_WECHAT_GATEWAY_URL and "
                    "XINQIAO_WECHAT_GATEWAY_TOKEN; see docs/notifications.md."
                )
            )
        recipient = notification.recipient_address.strip()
        if not recipient:
            raise DeliveryError(_("There is no WeChat OpenID or phone number to send this message to."))
        post_json(
            gateway=_("WeChat"),
            url=url,
            token=token,
            payload={
                "reference": _reference(notification),
                "app_id": app_id,
                "template_id": template_id,
                "to": recipient,
                "kind": notification.kind,
                "data": {"title": notification.subject, "text": notification.body},
            },
        )


CHANNELS: dict[str, Channel] = {
    channel.name: channel for channel in (OutboxChannel(), EmailChannel(), SmsChannel(), WeChatChannel())
}


def channel_for(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError as exc:
        raise DeliveryError(_("Unknown notification channel “%(name)s”.") % {"name": name}) from exc


def outbox_only() -> bool:
    """Whether new messages go nowhere but the outbox (the default set-up): then no resident is
    reached unless a person phones them, and the director's home page says so."""
    channel = CHANNELS.get(settings.XINQIAO_NOTIFICATION_CHANNEL)
    # A misspelt channel reaches nobody either: every message fails until it is fixed.
    return channel is None or not channel.reaches_recipient
