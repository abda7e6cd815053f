from django.core.management.base import BaseCommand, CommandError

from demo.seed import DEMO_PASSWORD, DemoRefused, demo_is_seeded, demo_seed


class Command(BaseCommand):
    help = "Create the demo data set (demo mode only): org tree, sites, one account per role."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=200, help="how many demo residents (200)")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing, successfully, when the database already has data",
        )

    def handle(self, *args, if_empty=False, residents=200, **options):
        if if_empty and demo_is_seeded():
            self.stdout.write("The database already has data; demo data not added.")
            return
        try:
            counts = demo_seed(residents=residents)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data created: {counts['org_units']} org units, {counts['accounts']} accounts, "
                f"{counts['residents']} residents."
            )
        )
        self.stdout.write(
            "Demo accounts (password " + DEMO_PASSWORD + "): admin director lead counsellor counsellor2 "
            "supervisor archivist finance worker volunteer teacher"
        )
