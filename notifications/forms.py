"""Forms of the outbox screens."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notification


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


class UnreachableForm(forms.Form):
    note = forms.CharField(
        label=_("What happened"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. no answer three times; number not in service")}),
    )


class OutboxFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=_any(Notification.Kind.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_any(Notification.Status.choices), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=_any(Notification.Channel.choices), required=False
    )
