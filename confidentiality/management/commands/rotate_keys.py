from django.core.management.base import BaseCommand

from confidentiality.services import encrypted_fields_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field under the first key of XINQIAO_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then drop the old keys."
    )

    def handle(self, *args, **options):
        counts = encrypted_fields_rotate()
        total = 0
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} values re-encrypted")
            total += count
        self.stdout.write(self.style.SUCCESS(f"Done: {total} values re-encrypted in {len(counts)} fields."))
