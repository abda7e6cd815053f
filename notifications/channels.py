"""Notification channels (PRT-2). A channel delivers one ``Notification``; the outbox row is
written first, whatever the channel, so nothing is sent that is not on record.

``channel_for(name)`` returns the configured channel. Channels raise ``DeliveryError`` with a
message a person can act on; the row then shows it and the status ``failed``.
"""

from __future__ import annotations

from typing import Protocol

from .models import Notification


class DeliveryError(Exception):
    pass


class Channel(Protocol):
    name: str

    def deliver(self, notification: Notification) -> None: ...


class OutboxChannel:
    """The default: the message stays in the outbox, where staff read it and pass it on."""

    name = Notification.Channel.OUTBOX

    def deliver(self, notification: Notification) -> None:
        return None


CHANNELS: dict[str, Channel] = {OutboxChannel.name: OutboxChannel()}


def channel_for(name: str) -> Channel:
    try:
        return CHANNELS[name]
    except KeyError as exc:
        raise DeliveryError(f"Unknown notification channel {name!r}") from exc
