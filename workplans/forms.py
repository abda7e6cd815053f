"""Forms of work plans: they collect and check input; the rules are the services'."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from confidentiality import policy
from lib.dates import DATE_INPUT, FIRST_YEAR, LAST_YEAR, BoundedDateField

from .models import Category, PlanItem, WorkPlan, month_end

MONTH_INPUT = forms.TextInput(attrs={"type": "month", "placeholder": "2026-02"})


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month picker), returned as its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            year, month = (int(part) for part in value.split("-", 1))
            day = date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError(
                _("Give a month as YYYY-MM, for example 2026-03."), code="month"
            ) from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Give a date between the years 2000 and 2100."), code="out_of_range"
            )
        return day


class PlanForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("unit"), queryset=None)
    year = forms.IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    term = forms.ChoiceField(label=_("period"), choices=WorkPlan.Term.choices)
    title = forms.CharField(label=_("title"), max_length=120)
    notes = forms.CharField(
        label=_("focus of the period"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = policy.scope_units(user).order_by("path")


class PlanEditForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=120)
    notes = forms.CharField(
        label=_("focus of the period"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    reason = forms.CharField(
        label=_("reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Needed once the plan is approved: the change makes a new version."),
    )


class ItemForm(forms.Form):
    title = forms.CharField(label=_("item"), max_length=150)
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    owner = forms.ModelChoiceField(label=_("owner"), queryset=None)
    target = forms.CharField(label=_("target"), max_length=200, required=False)
    recurrence = forms.ChoiceField(label=_("recurrence"), choices=PlanItem.Recurrence.choices)
    first_month = MonthField(label=_("from month"), widget=MONTH_INPUT, required=False)
    last_month = MonthField(label=_("until month"), widget=MONTH_INPUT, required=False)
    starts_on = BoundedDateField(
        label=_("or from day"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("For a date range instead of months."),
    )
    ends_on = BoundedDateField(label=_("until day"), widget=DATE_INPUT, required=False)
    reason = forms.CharField(
        label=_("reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Needed once the plan is approved: the change makes a new version."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = policy.filter_plan_owner_choices(user, User.objects.all()).order_by(
            "full_name"
        )

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        first, last = data.get("first_month"), data.get("last_month")
        if starts_on or ends_on:
            if not (starts_on and ends_on):
                raise forms.ValidationError(gettext("Give both days of the range."))
        elif first:
            starts_on, ends_on = first, month_end(last or first)
        elif not self.errors:
            raise forms.ValidationError(gettext("Give the months (or the days) of the item."))
        data["starts_on"], data["ends_on"] = starts_on, ends_on
        return data

    def item_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("title", "category", "owner", "target", "recurrence", "starts_on", "ends_on")
        }

    @classmethod
    def initial_for(cls, item: PlanItem) -> dict:
        return {
            "title": item.title,
            "category": item.category,
            "owner": item.owner_id,
            "target": item.target,
            "recurrence": item.recurrence,
            "starts_on": item.starts_on,
            "ends_on": item.ends_on,
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class LinkForm(forms.Form):
    source = forms.CharField(max_length=30)
    object_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    confirmed = forms.BooleanField(required=False)
