"""Forms of a crisis case's page: opening, the risk assessment, the safety plan, the action log,
the checks, and closing with its review (input shape only; the rules live in
crisis.services.cases)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from archives.models import RiskLevel
from crisis.models import CrisisAction, CrisisCase
from crisis.services.cases import DEFAULT_DISCLOSED, DISCLOSURE_FIELDS
from lib.dates import DATETIME_INPUT

# ISO format whatever the language: the browser's picker reads and writes only this.


class _OnCasePage(forms.Form):
    """The case's page holds several forms: each keeps its own element ids."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _text(label, *, required: bool = True, rows: int = 3, help_text="") -> forms.CharField:
    # Not required in the browser: the service says what is missing, in the words of the rule.
    return forms.CharField(
        label=label,
        max_length=8000,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class RiskAssessmentForm(_OnCasePage):
    id_prefix = "risk"
    ideation = _text(
        _("Suicidal or violent ideation"),
        help_text=_(
            "Wish to be dead, thoughts of suicide or of harming others: how often, how strong, how recent."
        ),
    )
    plan = _text(_("Plan"), help_text=_("Method, place, time chosen; preparations made; intent to act."))
    means = _text(
        _("Access to means"), help_text=_("Medicines, pesticides, blades, heights, weapons within reach.")
    )
    history = _text(
        _("History"),
        help_text=_("Earlier attempts, self-harm, psychiatric treatment, recent losses, substance use."),
    )
    protective_factors = _text(
        _("Protective factors"),
        help_text=_("People, reasons for living, beliefs, care received, willingness to accept help."),
    )
    risk_summary = _text(
        _("Risk formulation"),
        rows=4,
        help_text=_("Your judgement of the risk now and why; what must happen next."),
    )


class SafetyPlanForm(_OnCasePage):
    id_prefix = "plan"
    warning_signs = _text(
        _("Warning signs"), help_text=_("Thoughts, feelings, situations that tell me a crisis may be coming.")
    )
    coping_steps = _text(
        _("Things I can do on my own"),
        help_text=_("To take my mind off my problems, without contacting anyone."),
    )
    people_places = _text(
        _("People and places that help"),
        required=False,
        help_text=_("Whom I can be with or ask for help, and where I can go; with phone numbers."),
    )
    professionals = _text(_("Professionals and hotlines"), rows=5)
    means_restriction = _text(
        _("Making the surroundings safe"),
        required=False,
        help_text=_("What is removed or locked away, and who keeps it."),
    )


class CrisisActionForm(_OnCasePage):
    id_prefix = "action"
    kind = forms.ChoiceField(label=_("What was done"), choices=[("", "—"), *CrisisAction.Kind.choices])
    recipient = forms.CharField(
        label=_("Contacted"),
        max_length=120,
        required=False,
        help_text=_(
            "For a contact outside the team: name and role, e.g. “mother, Li Hong” or “local police station”."
        ),
    )
    disclosed = forms.MultipleChoiceField(
        label=_("What you told them"),
        choices=list(DISCLOSURE_FIELDS.items()),
        initial=list(DEFAULT_DISCLOSED),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what they needed to protect the person: this is the disclosure recorded."),
    )
    at = forms.DateTimeField(
        label=_("Time"), widget=DATETIME_INPUT, required=False, help_text=_("Leave empty for now.")
    )
    text = _text(_("What was done and said"))

    def __init__(self, *args, anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            # Nothing goes to the disclosure log for a person not on file (see the page's note).
            del self.fields["disclosed"]


class CheckCompleteForm(forms.Form):
    note = _text(_("Result"), rows=2)

    def __init__(self, *args, check=None, **kwargs):
        # One form per check on the page: the check's id keeps their element ids apart.
        self.check_pk = check.pk if check is not None else None
        if check is not None:
            kwargs.setdefault("auto_id", f"check{check.pk}_%s")
        super().__init__(*args, **kwargs)


class CheckWaiveForm(forms.Form):
    reason = _text(
        _("Reason for waiving"),
        rows=2,
        help_text=_("Why this check will not take place, e.g. in hospital, moved away, cannot be reached."),
    )

    def __init__(self, *args, check=None, **kwargs):
        self.check_pk = check.pk if check is not None else None
        if check is not None:
            kwargs.setdefault("auto_id", f"waive{check.pk}_%s")
        super().__init__(*args, **kwargs)


class CloseRequestForm(_OnCasePage):
    id_prefix = "close"
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *CrisisCase.Outcome.choices])
    summary = _text(
        _("Closing summary"), rows=4, help_text=_("What was done, how the person is now, what follows.")
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level after the crisis"),
        choices=[("", "—"), *RiskLevel.choices],
        help_text=_("The archive takes this level when the review confirms the closing."),
    )
    risk_reason = _text(
        _("Why this level"),
        rows=2,
        help_text=_("What the last assessment or your review found; when the person is seen next."),
    )

    def __init__(self, *args, anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            # A person not on file has no archive to carry a risk level.
            del self.fields["risk_level"]
            del self.fields["risk_reason"]


class CaseReviewForm(_OnCasePage):
    APPROVE, RETURN = "approve", "return"

    id_prefix = "review"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Confirm the closing")), (RETURN, _("Return the case to its owner"))],
        widget=forms.RadioSelect,
    )
    note = _text(_("Review note"), required=False, help_text=_("Required when you return the case."))
