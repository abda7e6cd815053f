"""Huey tasks of the notifications domain."""

from huey.contrib.djhuey import db_task


@db_task()
def deliver_notification(notification_id: int) -> None:
    """Deliver one queued message through its channel (e-mail, SMS or WeChat) in the background."""
    from .services import notification_deliver

    notification_deliver(notification_id=notification_id)
