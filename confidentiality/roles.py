"""The staff roles of SPEC §1. Residents are not staff and have no account here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    DIRECTOR = "director", _("Director")
    PROJECT_LEAD = "project_lead", _("Project lead")
    COUNSELLOR = "counsellor", _("Counsellor")
    THERAPIST = "therapist", _("Therapist")
    SUPERVISOR = "supervisor", _("Supervisor")
    ARCHIVIST = "archivist", _("Archive manager")
    FINANCE = "finance", _("Finance officer")
    GRID_WORKER = "grid_worker", _("Community / grid worker")
    TEACHER = "teacher", _("Homeroom teacher / psych committee member")
    VOLUNTEER = "volunteer", _("Volunteer / peer counsellor")


ALL_STAFF = frozenset(Role)

# Roles whose work is clinical content (assessments, sessions, crisis records), within scope and
# case assignment as confidentiality.policy decides. The administrator is deliberately absent.
CLINICAL_ROLES = frozenset({Role.DIRECTOR, Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR})

# Who can be made responsible for an archive (ARC-3): they see its clinical content.
RESPONSIBLE_ROLES = frozenset({Role.COUNSELLOR, Role.THERAPIST})

# Who can be put on the duty roster (ORG-3): the counselling staff.
DUTY_ROLES = CLINICAL_ROLES

# Roles that must pass a TOTP check at every login: everyone who sees clinical content, plus the
# roles that hold identifying data or the keys to everyone else's access.
TWO_FACTOR_ROLES = CLINICAL_ROLES | {Role.ARCHIVIST, Role.ADMIN}

# Roles that work with residents in the field and see nothing clinical.
FIELD_ROLES = frozenset({Role.GRID_WORKER, Role.TEACHER, Role.VOLUNTEER})
