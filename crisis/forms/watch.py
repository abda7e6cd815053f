"""Forms of the watch list: input shape only; the rules live in crisis.services.watch."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import DATE_INPUT, BoundedDateField
from orgs.models import OrgUnit

REASON_MAX = 4000


class UnitChoiceField(forms.ModelChoiceField):
    base_depth = 1

    def label_from_instance(self, obj: OrgUnit) -> str:
        # The depth below the person's own unit as indentation, so that a unit reads below its parent.
        return "\u3000" * max(obj.depth - self.base_depth, 0) + obj.name


class WatchFilterForm(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit"), queryset=OrgUnit.objects.none(), required=False, empty_label=_("All my units")
    )

    def __init__(self, *args, units=None, base_depth: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self.fields["unit"].base_depth = base_depth


class WatchAddForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the person should be watched"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    review_on = BoundedDateField(label=_("First review on"), widget=DATE_INPUT)


class _OnListRow(forms.Form):
    """Each row of the list holds its own forms: their element ids must not collide."""

    prefix_name = ""

    def __init__(self, *args, entry=None, **kwargs):
        if entry is not None:
            kwargs.setdefault("auto_id", f"{self.prefix_name}{entry.pk}_%s")
        super().__init__(*args, **kwargs)


class WatchReviewForm(_OnListRow):
    prefix_name = "review"
    note = forms.CharField(
        label=_("What the review found"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    next_review_on = BoundedDateField(label=_("Next review on"), widget=DATE_INPUT)


class WatchRemoveForm(_OnListRow):
    prefix_name = "remove"
    reason = forms.CharField(
        label=_("Why the person no longer needs to be watched"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
