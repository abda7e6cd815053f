"""The parent school (PRG-7): families, the credit an attended session adds, and the schools'
yearly targets."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    PHONE_INDEX_PURPOSE,
    Activity,
    CreditEntry,
    Family,
    Registration,
    SchoolTarget,
)
from confidentiality import policy
from confidentiality.services import audit_record
from lib.encryption import blind_index
from orgs.models import UnitKind

from .common import (
    _clean_phone,
)


def _credit(registration: Registration) -> None:
    """An attended parent-school session adds its hours to the family's ledger, once."""
    activity = registration.activity
    if activity.kind != Activity.Kind.PARENT_SCHOOL or registration.family_id is None:
        return
    CreditEntry.objects.get_or_create(
        registration=registration,
        defaults={
            "family_id": registration.family_id,
            "activity": activity,
            "hours": activity.hours,
            "year": timezone.localtime(activity.starts_at).year,
        },
    )


# ---------------------------------------------------------------------------------------------
# The parent school


@transaction.atomic
def family_create(*, actor, school, guardian_name: str, guardian_phone: str, students=()) -> Family:
    """A parent-school family: a guardian of students of a school in the person's scope. The
    guardian's phone links their registrations to the family's ledger."""
    family = Family(school=school, guardian_name=(guardian_name or "").strip())
    if not policy.can_manage_family(actor, family):
        raise PermissionDenied
    if not school.is_school_branch:
        raise ValidationError({"school": _("Choose a school.")})
    if not family.guardian_name:
        raise ValidationError({"guardian_name": _("Give the guardian's name.")})
    phone = _clean_phone(guardian_phone, required=True)
    family.guardian_phone = phone
    family.guardian_phone_index = blind_index(phone, purpose=PHONE_INDEX_PURPOSE)
    family.full_clean(exclude=["guardian_phone_index"])
    family.save()
    family.students.set(students)
    audit_record(actor=actor, action="family.created", obj=family)
    return family


@transaction.atomic
def school_target_save(
    *, actor, school, sessions: int, hours: Decimal, attendance_percent: int, satisfaction_percent: int
) -> SchoolTarget:
    """A school's yearly parent-school target (sessions, hours, attendance and satisfaction at
    least), set by those who run the school's parent school; a unit that is no school has none."""
    if not policy.can_set_school_target(actor, school):
        raise PermissionDenied
    if school.kind != UnitKind.SCHOOL:
        raise ValidationError({"school": _("Choose a school.")})
    errors = {}
    if not 1 <= (sessions or 0) <= 50:
        errors["sessions"] = _("Give from 1 to 50 sessions a year.")
    if hours is None or not Decimal("0.5") <= Decimal(hours) <= Decimal("200"):
        errors["hours"] = _("Give from 0.5 to 200 hours a year.")
    for name, value in (
        ("attendance_percent", attendance_percent),
        ("satisfaction_percent", satisfaction_percent),
    ):
        if value is None or not 0 <= value <= 100:
            errors[name] = _("Give a percentage from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    target, _created = SchoolTarget.objects.get_or_create(school=school)
    target.sessions, target.hours = sessions, hours
    target.attendance_percent, target.satisfaction_percent = attendance_percent, satisfaction_percent
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        action="school_target.saved",
        obj=target,
        details={
            "sessions": target.sessions,
            "hours": str(target.hours),
            "attendance_percent": target.attendance_percent,
            "satisfaction_percent": target.satisfaction_percent,
        },
    )
    return target
