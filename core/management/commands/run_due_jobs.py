from django.core.management.base import BaseCommand

from core.jobs import run_due_jobs


class Command(BaseCommand):
    help = "Run every periodic job that is due, once (for cron and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--only", help="run only the job with this name, if due")

    def handle(self, *args, only=None, **options):
        results = run_due_jobs(only=only)
        if not results:
            self.stdout.write("No job was due.")
        failed = False
        for name, ok, message in results:
            self.stdout.write(f"{'ok  ' if ok else 'FAIL'} {name}: {message}")
            failed = failed or not ok
        if failed:
            raise SystemExit(1)
