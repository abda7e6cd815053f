import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.services import user_create
from confidentiality.roles import Role
from orgs.models import OrgUnit, UnitKind
from orgs.services import org_unit_create


class Command(BaseCommand):
    help = (
        "Create a system-administrator account (the way in on a new production database). "
        "With an empty organisation tree, --top-unit names the district to create first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--top-unit", help="name of the top district, created if the tree is empty")

    def handle(self, *args, username, full_name, email, top_unit=None, **options):
        password = getpass.getpass("Password (10 characters or more): ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("The passwords do not match.")
        try:
            with transaction.atomic():
                root = OrgUnit.objects.get_first_root_node()
                if root is None:
                    if not top_unit:
                        raise CommandError("The organisation tree is empty: give --top-unit.")
                    root = org_unit_create(actor=None, name=top_unit, kind=UnitKind.DISTRICT, parent=None)
                user_create(
                    actor=None,
                    username=username,
                    full_name=full_name,
                    role=Role.ADMIN,
                    org_unit=root,
                    email=email,
                    password=password,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Administrator {username} created; set up two-factor at first login.")
        )
