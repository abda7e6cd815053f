"""Work plans (PRG-3): a plan per org unit and semester or year, its items, and the records
linked to the items' occurrences.

Occurrences are not stored: they are derived from an item's period and recurrence
(``workplans.occurrences``). What is stored is the link of a record (an activity, a group
session, a newsletter, a screening campaign) to one occurrence, named by the day it starts; the
occurrence's state (done, due, overdue) is computed from the links and the date, never typed.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from lib.dates import FIRST_YEAR, LAST_YEAR
from lib.states import StateTable

USER = settings.AUTH_USER_MODEL


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class WorkPlan(models.Model):
    class Term(models.TextChoices):
        SPRING = "spring", _("Spring semester")
        AUTUMN = "autumn", _("Autumn semester")
        YEAR = "year", _("Whole year")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("work plan status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("work plan status", "Submitted")
        APPROVED = "approved", pgettext_lazy("work plan status", "Approved")
        ACTIVE = "active", pgettext_lazy("work plan status", "Active")
        CLOSED = "closed", pgettext_lazy("work plan status", "Closed")

    # edit: change the plan and its items freely (before approval); revise: a change after
    # approval, which needs a reason and makes a new version; link: records counted for an
    # occurrence; remind: its overdue occurrences show on the owners' home page; publish: shown
    # on the public calendar.
    ACTIONS = StateTable(
        field="status",
        table={
            Status.DRAFT: ("edit", "submit"),
            Status.SUBMITTED: ("approve", "return"),
            Status.APPROVED: ("revise", "activate", "link", "remind", "publish"),
            Status.ACTIVE: ("revise", "close", "link", "remind", "publish"),
            Status.CLOSED: ("publish",),
        },
    )

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("The autumn semester of 2026 runs from September 2026 to January 2027."),
    )
    term = models.CharField(_("period"), max_length=10, choices=Term.choices, default=Term.SPRING)
    title = models.CharField(_("title"), max_length=120)
    notes = models.TextField(_("focus of the period"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-year", "-term", "org_unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year", "term"], name="wp_one_plan_per_period")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def starts_on(self) -> date:
        """Spring: February–July; autumn: September–January of the next year; a year: January–December."""
        month = {self.Term.SPRING: 2, self.Term.AUTUMN: 9, self.Term.YEAR: 1}[self.term]
        return date(self.year, month, 1)

    @property
    def ends_on(self) -> date:
        if self.term == self.Term.SPRING:
            return date(self.year, 7, 31)
        if self.term == self.Term.AUTUMN:
            return date(self.year + 1, 1, 31)
        return date(self.year, 12, 31)

    def period_label(self) -> str:
        return f"{self.year}年{self.get_term_display()}"

    def months(self) -> list[date]:
        """The first day of each month of the plan's period."""
        months, day = [], self.starts_on
        while day <= self.ends_on:
            months.append(day)
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months


class Category(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    GROUP = "group", _("Group counselling")
    TRAINING = "training", _("Training")
    PUBLICITY = "publicity", _("Publicity")
    SCREENING = "screening", _("Screening")
    NEWSLETTER = "newsletter", _("Newsletter")
    SUPERVISION = "supervision", _("Supervision")
    REPORT = "report", _("Report")
    MEETING = "meeting", _("Meeting")
    RESEARCH = "research", _("Research")
    OTHER = "other", pgettext_lazy("plan item category", "Other")


class PlanItem(models.Model):
    class Recurrence(models.TextChoices):
        ONCE = "once", _("Once in the period")
        MONTHLY = "monthly", _("Once a month")
        WEEKLY = "weekly", _("Once a week")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("item"), max_length=150)
    category = models.CharField(_("category"), max_length=15, choices=Category.choices)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    target = models.CharField(_("target"), max_length=200, blank=True, help_text=_("For example 全体学生."))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    recurrence = models.CharField(
        _("recurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.starts_on is None or self.ends_on is None:
            return
        if self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": gettext("The end comes before the start.")})
        plan = self.plan
        if self.starts_on < plan.starts_on or self.ends_on > plan.ends_on:
            raise ValidationError(
                {
                    "starts_on": gettext(
                        "The item must fall inside the plan's period (%(start)s to %(end)s)."
                    )
                    % {"start": plan.starts_on.isoformat(), "end": plan.ends_on.isoformat()}
                }
            )


class PlanVersion(models.Model):
    """The plan as it stood when approved, and after each change made since: the earlier versions
    are kept, and the page shows what changed from one to the next."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    reason = models.CharField(_("reason for the change"), max_length=300, blank=True)
    snapshot = models.JSONField(default=dict)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="wp_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class OccurrenceLink(models.Model):
    """A record counted for one occurrence of an item (the occurrence named by its first day)."""

    class How(models.TextChoices):
        LINKED = "linked", _("Linked")
        CONFIRMED = "confirmed", _("Match confirmed")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="links")
    occurrence_on = models.DateField(_("occurrence"))
    source = models.CharField(_("record type"), max_length=30)
    object_id = models.PositiveBigIntegerField()
    how = models.CharField(max_length=10, choices=How.choices, default=How.LINKED)
    linked_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("record counted for a plan item")
        verbose_name_plural = _("records counted for plan items")
        ordering = ["occurrence_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "occurrence_on", "source", "object_id"], name="wp_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.occurrence_on} {self.source}#{self.object_id}"


class CalendarFeed(models.Model):
    """The secret part of a person's iCal address: whoever has it reads that person's own plan
    items, nothing else; issuing a new one ends the old."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
