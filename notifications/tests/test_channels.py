"""PRT-2: the outbox is written first, then a channel delivers; failures stay on the row with a
reason, and the retry job delivers them later. Tests read the Notification table directly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lib.jobs import job_named
from notifications.models import Notification
from notifications.services import notification_deliver, notification_queue, notifications_retry_failed

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def queue(capture, **overrides) -> Notification:
    """Queue one message and run what happens after commit; return the row as stored."""
    fields = {
        "kind": Notification.Kind.APPOINTMENT_REMINDER,
        "dedupe_key": "appointment:1:reminder",
        "subject": "明天的预约提醒",
        "body": "张三您好，您预约了明天14:00的心理咨询。",
        "recipient_name": "张三",
        "recipient_address": PHONE,
        **overrides,
    }
    with capture(execute=True):
        notification = notification_queue(**fields)
    return Notification.objects.get(pk=notification.pk)


@pytest.fixture
def sms_configured(settings, gateway):
    settings.XINQIAO_SMS_GATEWAY_URL = gateway.url
    settings.XINQIAO_SMS_GATEWAY_TOKEN = "sms-token"
    settings.XINQIAO_SMS_SIGNATURE = "心桥"
    return gateway


# ----------------------------------------------------------------------------- outbox


def test_the_outbox_channel_leaves_the_message_to_relay_and_never_calls_it_sent(
    django_capture_on_commit_callbacks,
):
    row = queue(django_capture_on_commit_callbacks)
    assert row.channel == Notification.Channel.OUTBOX
    assert row.status == Notification.Status.TO_RELAY and row.sent_at is None
    assert row.body == "张三您好，您预约了明天14:00的心理咨询。"


def test_queuing_the_same_key_twice_keeps_one_message(django_capture_on_commit_callbacks):
    first = queue(django_capture_on_commit_callbacks)
    second = queue(django_capture_on_commit_callbacks, body="another text")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1


def test_nothing_is_delivered_before_the_transaction_commits():
    notification = notification_queue(
        kind=Notification.Kind.OTHER, dedupe_key="x", subject="s", body="b", recipient_address=PHONE
    )
    assert Notification.objects.get(pk=notification.pk).status == Notification.Status.PENDING


def test_an_unknown_channel_leaves_the_row_failed_with_the_reason(django_capture_on_commit_callbacks):
    # A channel removed after the row was written (e.g. a configuration change).
    row = queue(django_capture_on_commit_callbacks)
    Notification.objects.filter(pk=row.pk).update(channel="pigeon", status=Notification.Status.PENDING)
    row = notification_deliver(notification_id=row.pk)
    assert row.status == Notification.Status.FAILED
    assert "未知的通知渠道" in row.error


# ----------------------------------------------------------------------------- e-mail


def test_the_email_channel_sends_through_django_mail_from_the_default_address(
    settings, django_capture_on_commit_callbacks
):
    settings.DEFAULT_FROM_EMAIL = "centre@xinqiao.example"
    row = queue(django_capture_on_commit_callbacks, channel="email", recipient_address="zhang@example.org")
    assert row.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhang@example.org"]
    assert message.from_email == "centre@xinqiao.example"
    assert message.subject == "明天的预约提醒" and "14:00" in message.body


def test_the_email_channel_reaches_a_staff_member_at_their_account_address(
    people, django_capture_on_commit_callbacks
):
    people.counsellor.email = "counsellor@xinqiao.example"
    people.counsellor.save(update_fields=["email"])
    row = queue(
        django_capture_on_commit_callbacks,
        channel="email",
        kind=Notification.Kind.FOLLOW_UP_DUE,
        recipient_user=people.counsellor,
        recipient_address="",
    )
    assert row.status == Notification.Status.SENT
    assert mail.outbox[0].to == ["counsellor@xinqiao.example"]


def test_the_email_channel_refuses_an_address_that_is_not_an_email(django_capture_on_commit_callbacks):
    row = queue(django_capture_on_commit_callbacks, channel="email", recipient_address=PHONE)
    assert row.status == Notification.Status.FAILED
    assert "不是电子邮件地址" in row.error
    assert mail.outbox == []


def test_the_email_channel_refuses_a_staff_member_without_an_email(
    people, django_capture_on_commit_callbacks
):
    people.colleague.email = ""
    people.colleague.save(update_fields=["email"])
    row = queue(
        django_capture_on_commit_callbacks,
        channel="email",
        recipient_user=people.colleague,
        recipient_address="",
    )
    assert row.status == Notification.Status.FAILED
    assert "没有电子邮件地址" in row.error


# ----------------------------------------------------------------------------- SMS


def test_an_sms_channel_that_is_not_configured_leaves_the_message_failed_with_the_reason(
    settings, django_capture_on_commit_callbacks
):
    settings.XINQIAO_SMS_GATEWAY_URL = ""
    settings.XINQIAO_SMS_GATEWAY_TOKEN = ""
    row = queue(django_capture_on_commit_callbacks, channel="sms")
    assert row.status == Notification.Status.FAILED
    assert row.error.startswith("短信渠道未配置")
    assert "XINQIAO_SMS_GATEWAY_URL" in row.error
    assert row.sent_at is None


def test_a_configured_sms_channel_posts_the_documented_json_to_the_gateway(
    sms_configured, django_capture_on_commit_callbacks
):
    row = queue(django_capture_on_commit_callbacks, channel="sms")
    assert row.status == Notification.Status.SENT, row.error
    [request] = sms_configured.requests
    assert request["path"] == "/send"
    assert request["headers"]["Authorization"] == "Bearer sms-token"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["body"] == {
        "reference": f"xinqiao-{row.pk}",
        "to": "+8613912345678",
        "signature": "心桥",
        "text": "张三您好，您预约了明天14:00的心理咨询。",
        "kind": "appointment_reminder",
    }


def test_an_sms_gateway_that_refuses_leaves_the_status_and_answer_on_the_row(
    sms_configured, django_capture_on_commit_callbacks
):
    sms_configured.status = 503
    sms_configured.answer = b'{"error": "quota exceeded"}'
    row = queue(django_capture_on_commit_callbacks, channel="sms")
    assert row.status == Notification.Status.FAILED
    assert "HTTP 503" in row.error and "quota exceeded" in row.error


def test_an_sms_gateway_that_cannot_be_reached_is_a_failure_not_a_crash(
    settings, django_capture_on_commit_callbacks
):
    settings.XINQIAO_SMS_GATEWAY_URL = "http://127.0.0.1:9/nothing-listens-here"
    settings.XINQIAO_SMS_GATEWAY_TOKEN = "t"
    row = queue(django_capture_on_commit_callbacks, channel="sms")
    assert row.status == Notification.Status.FAILED
    assert "无法连接短信网关" in row.error


def test_the_sms_channel_refuses_a_gateway_url_that_is_not_http(settings, django_capture_on_commit_callbacks):
    settings.XINQIAO_SMS_GATEWAY_URL = "file:///etc/passwd"
    settings.XINQIAO_SMS_GATEWAY_TOKEN = "t"
    row = queue(django_capture_on_commit_callbacks, channel="sms")
    assert row.status == Notification.Status.FAILED
    assert "必须以 http:// 或 https:// 开头" in row.error


def test_the_sms_channel_refuses_an_address_that_is_not_a_phone_number(
    sms_configured, django_capture_on_commit_callbacks
):
    row = queue(django_capture_on_commit_callbacks, channel="sms", recipient_address="zhang@example.org")
    assert row.status == Notification.Status.FAILED
    assert "不是手机号码" in row.error
    assert sms_configured.requests == []


# ----------------------------------------------------------------------------- WeChat


def test_a_wechat_channel_without_a_gateway_refuses_and_says_where_to_read(
    settings, django_capture_on_commit_callbacks
):
    settings.XINQIAO_WECHAT_APP_ID = "wx0123456789abcdef"
    settings.XINQIAO_WECHAT_TEMPLATE_ID = "tmpl"
    settings.XINQIAO_WECHAT_GATEWAY_URL = ""
    row = queue(django_capture_on_commit_callbacks, channel="wechat")
    assert row.status == Notification.Status.FAILED
    assert "微信渠道需要网关" in row.error and "docs" in row.error


def test_a_wechat_channel_without_an_account_is_not_configured(settings, django_capture_on_commit_callbacks):
    settings.XINQIAO_WECHAT_APP_ID = ""
    row = queue(django_capture_on_commit_callbacks, channel="wechat")
    assert row.status == Notification.Status.FAILED
    assert row.error.startswith("微信渠道未配置")


def test_a_configured_wechat_channel_posts_the_template_message_to_the_gateway(
    settings, gateway, django_capture_on_commit_callbacks
):
    settings.XINQIAO_WECHAT_APP_ID = "wx0123456789abcdef"
    settings.XINQIAO_WECHAT_TEMPLATE_ID = "tmpl-1"
    settings.XINQIAO_WECHAT_GATEWAY_URL = gateway.url
    settings.XINQIAO_WECHAT_GATEWAY_TOKEN = "wechat-token"
    settings.XINQIAO_WECHAT_APP_SECRET = "never-sent"
    row = queue(django_capture_on_commit_callbacks, channel="wechat")
    assert row.status == Notification.Status.SENT, row.error
    [request] = gateway.requests
    assert request["headers"]["Authorization"] == "Bearer wechat-token"
    assert request["body"] == {
        "reference": f"xinqiao-{row.pk}",
        "app_id": "wx0123456789abcdef",
        "template_id": "tmpl-1",
        "to": PHONE,
        "kind": "appointment_reminder",
        "data": {"title": "明天的预约提醒", "text": "张三您好，您预约了明天14:00的心理咨询。"},
    }
    assert "never-sent" not in str(request)


# ----------------------------------------------------------------------------- retries


def test_the_retry_job_is_registered_every_ten_minutes():
    assert job_named("notifications.retry").every == timedelta(minutes=10)


def test_the_retry_job_delivers_a_failed_message_once_the_gateway_is_configured(
    settings, gateway, django_capture_on_commit_callbacks
):
    settings.XINQIAO_SMS_GATEWAY_URL = ""
    row = queue(django_capture_on_commit_callbacks, channel="sms")
    assert row.status == Notification.Status.FAILED
    settings.XINQIAO_SMS_GATEWAY_URL = gateway.url
    settings.XINQIAO_SMS_GATEWAY_TOKEN = "sms-token"
    assert notifications_retry_failed() == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.error == ""
    # A second run sends nothing again.
    assert notifications_retry_failed() == 0
    assert len(gateway.requests) == 1


def test_the_retry_job_delivers_a_message_left_waiting_and_leaves_old_failures(
    django_capture_on_commit_callbacks,
):
    waiting = notification_queue(kind="other", dedupe_key="waiting", subject="s", body="b")  # never committed
    old = queue(django_capture_on_commit_callbacks, dedupe_key="old")
    Notification.objects.filter(pk=old.pk).update(status=Notification.Status.FAILED, error="gateway down")
    now = timezone.now()
    Notification.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(minutes=6))
    Notification.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2))
    assert notifications_retry_failed(now=now) == 1
    # The default channel is the outbox: the message is handed on to be relayed, never "sent".
    assert Notification.objects.get(pk=waiting.pk).status == Notification.Status.TO_RELAY
    assert Notification.objects.get(pk=old.pk).status == Notification.Status.FAILED
