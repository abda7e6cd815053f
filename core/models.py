"""Platform-wide records: the centre's public profile and the periodic-job ledger (PLT-4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CentreProfile(models.Model):
    """The centre's public face on the portal. One row; created on first use."""

    name = models.CharField(
        _("centre name"), max_length=100, default=_("Community Psychological Service Centre")
    )
    introduction = models.TextField(_("introduction"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hotline = models.CharField(_("psychological hotline"), max_length=40, blank=True)
    hotline_hours = models.CharField(_("hotline hours"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("centre profile")
        verbose_name_plural = _("centre profile")

    def __str__(self) -> str:
        return self.name


class JobRun(models.Model):
    """When each periodic job last ran, so that run_due_jobs knows what is due."""

    name = models.CharField(max_length=80, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_ok = models.BooleanField(default=True)
    last_message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """A public holiday or a make-up working day (调休) the centre entered by hand, for the years
    the ``chinesecalendar`` library does not cover (or to correct it). The days entered for a
    year replace the library's for that whole year (see ``core.workdays``)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        MAKE_UP = "make_up", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from lib.dates import OUT_OF_RANGE, in_range

        if self.date and not in_range(self.date):
            raise ValidationError({"date": OUT_OF_RANGE})
        # A make-up day is a weekend day worked; a weekday is worked anyway.
        if self.date and self.kind == self.Kind.MAKE_UP and self.date.weekday() < 5:
            raise ValidationError({"date": _("A make-up working day is a Saturday or a Sunday.")})
