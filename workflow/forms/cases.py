"""Forms of cases, intake, plans and sessions: input shape only; rules live in the services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lib.dates import DATE_INPUT, DATETIME_INPUT, BoundedDateField
from workflow.models import REASON_MAX, Case, CaseAssessment, Modality, ServicePlan
from workflow.visit_checklist import home_visit_checklist

# ISO formats whatever the language: the browser's pickers read and write only these.


def _text(label, rows: int = 4, required: bool = True, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.username} · {obj.get_role_display()}"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name or obj.username} · {obj.get_role_display()}"


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Case.Status.choices],
    )
    mine = forms.BooleanField(label=_("Only my cases"), required=False)


class CaseOpenForm(forms.Form):
    counsellor = PersonChoiceField(label=_("Counsellor"), queryset=User.objects.none())
    presenting_problem = _text(_("Presenting problem"), rows=5)
    opened_at = forms.DateTimeField(
        label=_("Opened"),
        widget=DATETIME_INPUT,
        required=False,
        initial=timezone.now,
        help_text=_("Leave empty for now."),
    )

    def __init__(self, *args, counsellors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counsellor"].queryset = counsellors if counsellors is not None else User.objects.none()


class CaseTransferForm(forms.Form):
    to_counsellor = PersonChoiceField(label=_("Transfer to"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_counsellor"].queryset = targets if targets is not None else User.objects.none()


class CaseCloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Case.Outcome.choices])
    summary = _text(_("Closing summary"), rows=6)


class CaseReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=REASON_MAX)


class IntakeForm(forms.Form):
    held_on = BoundedDateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    chief_complaint = _text(_("Chief complaint"))
    history = _text(_("Background and history"), required=False)
    observations = _text(_("Observations (appearance, mood, thinking)"), required=False)
    risk_notes = _text(_("Risk"), rows=3, required=False)
    impression = _text(_("Initial assessment"), rows=3, required=False)


class ServicePlanForm(forms.Form):
    goals = _text(_("Goals"))
    content = _text(_("Content and methods"))
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    frequency = forms.CharField(
        label=_("Frequency"), max_length=60, help_text=_("For example: once a week, 50 minutes.")
    )
    period_start = BoundedDateField(label=_("From"), widget=DATE_INPUT)
    period_end = BoundedDateField(label=_("To"), widget=DATE_INPUT)
    agreed_on = BoundedDateField(
        label=_("Client agreed on"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Leave empty if the client has not agreed yet; it can be recorded later."),
    )
    agreement = forms.ChoiceField(
        label=_("How the client agreed"),
        choices=[("", "—"), *ServicePlan.Agreement.choices],
        required=False,
    )
    revision_reason = forms.CharField(
        label=_("Reason for the revision"), max_length=REASON_MAX, required=False
    )

    def __init__(self, *args, revising: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if revising:
            self.fields["revision_reason"].required = True
        else:
            del self.fields["revision_reason"]


class PlanAgreementForm(forms.Form):
    """Nothing is filled in beforehand: one click must not record an agreement nobody chose."""

    agreed_on = BoundedDateField(label=_("Client agreed on"), widget=DATE_INPUT)
    agreement = forms.ChoiceField(
        label=_("How the client agreed"), choices=[("", "—"), *ServicePlan.Agreement.choices]
    )


class SessionForm(forms.Form):
    # Made when the form is shown: the service stores one session per key (Back + save again).
    request_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    held_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME_INPUT)
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=600, initial=50
    )
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    content = _text(_("Content"), rows=6)
    client_feedback = _text(_("Client feedback"), rows=3, required=False)
    problems_handled = _text(_("Problems handled"), rows=3, required=False)
    next_steps = _text(_("Next steps"), rows=3, required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        help_text=_("Home visits: the address visited."),
    )
    companions = PeopleChoiceField(
        label=_("Companions"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Home visits: who went along (staff or volunteers)."),
    )
    visit_checklist = forms.MultipleChoiceField(
        label=_("Home-visit checklist"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Home visits: tick what was done."),
    )
    private_note = _text(
        _("Private process note"),
        rows=4,
        required=False,
        help_text=_("Only you will ever see this: not your supervisor, not the director, not in exports."),
    )

    def __init__(self, *args, companions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["companions"].queryset = companions if companions is not None else User.objects.none()
        self.fields["visit_checklist"].choices = [
            (item.key, item.label) for item in home_visit_checklist().items
        ]
        if not self.is_bound:
            self.initial.setdefault("request_key", uuid.uuid4())


class SessionAddendumForm(forms.Form):
    text = _text(_("Correction"), rows=5)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=500,
        help_text=_("For example: wrong date typed, a sentence about another client, a missing detail."),
    )


class PrivateNoteForm(forms.Form):
    text = _text(_("Private process note"), rows=8, required=False)


class CaseAssessmentForm(forms.Form):
    """Which instrument to give from the case, and at which stage (a GET form to the assessment page)."""

    instrument = forms.ChoiceField(label=_("Instrument"), choices=[])
    phase = forms.ChoiceField(label=_("Stage"), choices=CaseAssessment.Phase.choices)

    def __init__(self, *args, **kwargs):
        from assessments.forms import instrument_choices

        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instrument_choices(get_language() or "zh-hans")
