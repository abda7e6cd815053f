"""Forms of the alert queue, the alert's actions and the warning rules (input shape only; the
rules of each step live in crisis.services)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crisis.models import Alert, Level
from crisis.selectors.alerts import OPEN

STATE_FILTERS = [("", _("All")), (OPEN, _("Open")), *Alert.State.choices]
LEVEL_FILTERS = [("", _("All levels")), *reversed(Level.choices)]


class AlertFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=STATE_FILTERS, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=LEVEL_FILTERS, required=False)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name or obj.username} · {obj.get_role_display()}"


class _OnDetailPage(forms.Form):
    """The alert's page holds several action forms: each keeps its own element ids."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _note(label, *, required: bool = False, help_text=""):
    return forms.CharField(
        label=label,
        max_length=4000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class AlertAcknowledgeForm(_OnDetailPage):
    """No fields: acknowledging is one click, and who and when are recorded by the service."""

    id_prefix = "acknowledge"


class AlertAssignForm(_OnDetailPage):
    id_prefix = "assign"
    owner = StaffChoiceField(label=_("Give the alert to"), queryset=get_user_model().objects.none())
    note = _note(_("Note for the new owner"))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners


class AlertInterveneForm(_OnDetailPage):
    id_prefix = "intervene"
    note = _note(_("What you are doing"))


class AlertResolveForm(_OnDetailPage):
    id_prefix = "resolve"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Alert.Outcome.choices])
    note = _note(_("Outcome note"), help_text=_("How the person is now and what was arranged."))


class AlertCloseForm(_OnDetailPage):
    id_prefix = "close"
    note = _note(_("Why the alert is closed"))


class AlertNoteForm(_OnDetailPage):
    id_prefix = "note"
    note = _note(_("Note"), required=True)


class AlertRuleForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=list(reversed(Level.choices)))
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args, rule=None, **kwargs):
        if rule is not None:
            kwargs.setdefault("auto_id", f"rule{rule.pk}_%s")
            kwargs.setdefault("initial", {"level": rule.level, "is_active": rule.is_active})
        super().__init__(*args, **kwargs)
