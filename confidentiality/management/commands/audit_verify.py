from django.core.management.base import BaseCommand, CommandError

from confidentiality.selectors import audit_verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero naming the first bad entry."

    def handle(self, *args, **options):
        report = audit_verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit chain broken at entry {report.first_bad_seq}: {report.problem} "
                f"({report.checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries verified."))
