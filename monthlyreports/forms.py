"""Forms of the monthly reports: they collect input; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MONTHS, ConcernRow


class PeriodField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("label", _("Month"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month"}))
        super().__init__(**kwargs)


class StartForm(forms.Form):
    assignment = forms.IntegerField(widget=forms.HiddenInput)
    period = PeriodField()


def answers_form_class(report_form):
    """A form of the report's own fields, built from its data file."""
    fields = {}
    for spec in report_form.fields:
        label = report_form.text(spec["label"])
        help_text = report_form.text(spec.get("help"))
        if spec["kind"] == "scale":
            choices = [("", "—")] + [(n, str(n)) for n in range(spec["min"], spec["max"] + 1)]
            fields[spec["key"]] = forms.TypedChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
            )
        elif spec["kind"] == "count":
            fields[spec["key"]] = forms.IntegerField(
                label=label,
                help_text=help_text,
                required=False,
                min_value=0,
                max_value=spec["max"],
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        else:
            fields[spec["key"]] = forms.CharField(
                label=label,
                help_text=help_text,
                required=False,
                max_length=spec["max_length"],
                widget=forms.Textarea(attrs={"rows": 3}),
            )
    fields["is_zero"] = forms.BooleanField(
        label=_("Nothing to report this month (a zero report)"), required=False
    )
    return type("AnswersForm", (forms.Form,), fields)


class ConcernForm(forms.Form):
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person_description = forms.CharField(
        label=_("Who (if not found in the search)"),
        required=False,
        max_length=200,
        help_text=_("Name, age, where they live or study: the community worker registers them."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=ConcernRow.Category.choices)
    signs = forms.CharField(
        label=_("What was noticed"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    days = forms.IntegerField(label=_("For how many days"), min_value=0, max_value=366)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=ConcernRow.Urgency.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CompletenessForm(forms.Form):
    unit = forms.IntegerField(required=False)
    period = PeriodField(required=False)


class AssignmentForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    reporter = forms.ModelChoiceField(label=_("Reporter"), queryset=None)
    first_approver = forms.ModelChoiceField(label=_("First-level approver"), queryset=None)
    second_approver = forms.ModelChoiceField(label=_("Second-level approver"), queryset=None)
    unit_head = forms.ModelChoiceField(label=_("Head of the unit"), queryset=None, required=False)
    months_off = forms.TypedMultipleChoiceField(
        label=_("Months off"), choices=MONTHS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    due_day = forms.IntegerField(
        label=_("Due day"),
        required=False,
        min_value=1,
        max_value=31,
        help_text=_("Empty: the last working day of the month."),
    )
    timely_days = forms.IntegerField(label=_("Timely window (days)"), min_value=0, max_value=31, initial=3)
    lock_days = forms.IntegerField(label=_("Locks after (days)"), min_value=0, max_value=90, initial=15)

    def __init__(self, *args, units, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        for name in ("reporter", "first_approver", "second_approver", "unit_head"):
            self.fields[name].queryset = staff


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("What the review found"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        help_text=_("At most 5 MB. Start from the template."),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )
