"""Forms of satisfaction feedback (SVC-7): input shape only; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from workflow.models import SatisfactionSurvey
from workflow.selectors.satisfaction import ANSWERED, EXPIRED, WAITING
from workflow.services.satisfaction import COMMENT_MAX_LENGTH

# Highest first: the eye lands on "very satisfied", and each choice is a large touch target.
RATING_CHOICES = [
    (5, _("5 — very satisfied")),
    (4, _("4 — satisfied")),
    (3, _("3 — neither satisfied nor dissatisfied")),
    (2, _("2 — dissatisfied")),
    (1, _("1 — very dissatisfied")),
]


class SatisfactionAnswerForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a rating from 1 to 5 stars.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        max_length=COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def star_choices(self) -> list[tuple]:
        """Each rating's radio button with its row of stars, for the large touch targets."""
        return [(radio, "★" * int(radio.data["value"])) for radio in self["rating"]]


class PaperEntryForm(SatisfactionAnswerForm):
    """The same questions, as the client answered them on the paper form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].label = _("Rating given on paper")
        self.fields["comment"].label = _("Comment written on paper")


class SatisfactionFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How given"),
        choices=[("", _("All")), *SatisfactionSurvey.Channel.choices],
        required=False,
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=[
            ("", _("All")),
            (ANSWERED, _("Answered")),
            (WAITING, _("Waiting for an answer")),
            (EXPIRED, _("Expired unanswered")),
        ],
        required=False,
    )
