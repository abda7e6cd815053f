"""Organisation tree (ORG-1) and service sites with rooms and opening hours (ORG-2)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    SCHOOL = "school", _("School")
    GRADE = "grade", _("Grade")
    CLASS = "class", _("Class")


# Which kind of unit may sit under which. ``None`` is the top of the tree.
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    UnitKind.DISTRICT: {None},
    UnitKind.SUBDISTRICT: {UnitKind.DISTRICT},
    UnitKind.COMMUNITY: {UnitKind.SUBDISTRICT},
    UnitKind.GRID: {UnitKind.COMMUNITY},
    UnitKind.SCHOOL: {None, UnitKind.DISTRICT, UnitKind.SUBDISTRICT},
    UnitKind.GRADE: {UnitKind.SCHOOL},
    UnitKind.CLASS: {UnitKind.GRADE},
}

SCHOOL_KINDS = frozenset({UnitKind.SCHOOL, UnitKind.GRADE, UnitKind.CLASS})


class OrgUnit(MP_Node):
    """A node of the organisation tree. Staff scope and residents hang on these."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    code = models.CharField(
        _("code"), max_length=40, blank=True, help_text=_("Optional administrative code.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    # No node_order_by: children are appended, so a unit's path never changes when a sibling is
    # added (paths are what scope checks compare).

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~models.Q(code=""), name="orgs_orgunit_code_unique_when_set"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean_parent_kind(self, parent: OrgUnit | None) -> None:
        allowed = ALLOWED_PARENT_KINDS.get(self.kind, set())
        parent_kind = parent.kind if parent else None
        if parent_kind not in allowed:
            raise ValidationError(
                {
                    "kind": _("A %(kind)s cannot be placed under %(parent)s.")
                    % {
                        "kind": self.get_kind_display(),
                        "parent": parent.get_kind_display() if parent else _("the top of the tree"),
                    }
                }
            )

    @property
    def is_school_branch(self) -> bool:
        return self.kind in SCHOOL_KINDS


class ServiceSite(models.Model):
    """A place where counselling happens: a room in an activity centre, school or work station."""

    name = models.CharField(_("name"), max_length=100)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="service_sites", verbose_name=_("organisation unit")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service site")
        verbose_name_plural = _("service sites")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "name"], name="orgs_site_name_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual counselling")
        GROUP = "group", _("Group activity")
        SANDPLAY = "sandplay", _("Sandplay")
        RELAXATION = "relaxation", _("Relaxation / catharsis")
        OTHER = "other", _("Other")

    site = models.ForeignKey(
        ServiceSite, on_delete=models.CASCADE, related_name="rooms", verbose_name=_("site")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=2)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="orgs_room_name_unique_in_site")]

    def __str__(self) -> str:
        return f"{self.site.name} · {self.name}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    site = models.ForeignKey(
        ServiceSite, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("site")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="orgs_hours_close_after_open"
            ),
            models.UniqueConstraint(fields=["site", "weekday", "opens"], name="orgs_hours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class DutyShift(models.Model):
    """A weekly duty pattern (ORG-3): who is on duty in which room, on which weekday, when.

    Shifts repeat every week between ``valid_from`` and ``valid_until``; leave and holidays are
    ``DutyException`` rows, so the pattern itself never has to be edited for one day off.
    """

    counsellor = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="duty_shifts", verbose_name=_("counsellor")
    )
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="duty_shifts", verbose_name=_("room")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("starts"))
    ends = models.TimeField(_("ends"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        ordering = ["weekday", "starts", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")), name="orgs_shift_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="orgs_shift_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self) -> None:
        if self.starts and self.ends and self.ends <= self.starts:
            raise ValidationError({"ends": _("The end must be after the start.")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end date must not be before the start date.")})


class DutyException(models.Model):
    """A day or days off the weekly pattern: a counsellor's leave, a closed room, or a holiday
    (no counsellor and no room: the whole centre is closed)."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        HOLIDAY = "holiday", _("Public holiday")
        ROOM_CLOSED = "room_closed", _("Room closed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    counsellor = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="duty_exceptions",
        verbose_name=_("counsellor"),
    )
    room = models.ForeignKey(
        Room,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="duty_exceptions",
        verbose_name=_("room"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("duty exception")
        verbose_name_plural = _("duty exceptions")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="orgs_exception_valid_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date must not be before the start date.")})
        if self.kind == self.Kind.LEAVE and self.counsellor_id is None:
            raise ValidationError({"counsellor": _("Leave is taken by a counsellor: choose one.")})
        if self.kind == self.Kind.ROOM_CLOSED and self.room_id is None:
            raise ValidationError({"room": _("Choose the room that is closed.")})
