"""Messages the outbox channel "sent" reached nobody: they become 待转达 (to relay), so staff see
what still needs a phone call. Messages of real channels keep their state."""

from django.db import migrations


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(channel="outbox", status="sent").update(status="to_relay", sent_at=None)


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(channel="outbox", status__in=["to_relay", "relayed"]).update(status="sent")
    # The old states had no "could not be reached"; the nearest honest one is "failed".
    Notification.objects.filter(status="unreachable").update(status="failed")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_relay_states")]

    operations = [migrations.RunPython(forwards, backwards)]
