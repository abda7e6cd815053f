"""Forms of the articles pages: they collect input; the services keep the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.dates import DATETIME_INPUT, BoundedDateTimeField

from .checklist import safe_messaging_checklist
from .models import Audience, Topic

# A cover of a few hundred kilobytes is plenty on a phone; more is a photo straight off a camera.
COVER_MAX_BYTES = 3 * 1024 * 1024


def _moment(**kwargs) -> BoundedDateTimeField:
    """An optional publish or expiry time, with the browser's date-time picker."""
    return BoundedDateTimeField(widget=DATETIME_INPUT, required=False, **kwargs)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("Summary"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 16, "class": "markdown"}),
        help_text=_("Markdown: # heading, **bold**, *italic*, - list, [link](https://…). HTML is cleaned."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    cover = forms.ImageField(label=_("Cover image"), required=False)
    cover_alt = forms.CharField(
        label=_("Cover description (alt text)"),
        max_length=200,
        required=False,
        help_text=_("Needed when there is a cover: what the picture shows."),
    )
    publish_at = _moment(
        label=_("Publish at"), help_text=_("Leave empty to publish as soon as it is approved.")
    )
    expires_at = _moment(label=_("Expires at"), help_text=_("Optional: it leaves the portal then."))

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and getattr(cover, "size", 0) > COVER_MAX_BYTES:
            raise forms.ValidationError(_("The picture is too large: at most 3 MB."))
        return cover


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve and publish")), ("send_back", _("Send back for changes"))],
        widget=forms.RadioSelect,
    )
    checklist = forms.MultipleChoiceField(
        label=_("Safe-messaging checklist"), required=False, widget=forms.CheckboxSelectMultiple
    )
    publish_at = _moment(label=_("Publish at"), help_text=_("Empty: now."))
    expires_at = _moment(label=_("Expires at"))
    comment = forms.CharField(
        label=_("Comment to the author"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, needs_checklist: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_checklist:
            self.fields["checklist"].choices = [(i.key, i.label) for i in safe_messaging_checklist().items]
        else:
            del self.fields["checklist"]


class ScheduleForm(forms.Form):
    publish_at = _moment(label=_("Publish at"))
    expires_at = _moment(label=_("Expires at"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class NewsletterForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, initial="心语报")
    issue_number = forms.IntegerField(label=_("Issue number"), min_value=1, max_value=9999)
    semester = forms.CharField(label=_("Semester"), max_length=40, help_text=_("For example 2026年春季学期."))
    print_run = forms.IntegerField(label=_("Print run"), min_value=0, max_value=1_000_000, initial=0)
    sent_to = forms.ModelMultipleChoiceField(
        label=_("Sent to"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, units, articles, positions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_to"].queryset = units
        self.article_choices = list(articles)
        positions = positions or {}
        self.position_fields = []
        for article in self.article_choices:
            name = f"position_{article.pk}"
            self.fields[name] = forms.IntegerField(
                label=article.title,
                min_value=1,
                max_value=99,
                required=False,
                initial=positions.get(article.pk),
            )
            self.position_fields.append(name)

    def ordered_articles(self):
        """The articles given a place, in the order of their numbers (ties by title)."""
        chosen = [
            (self.cleaned_data[f"position_{a.pk}"], a.title, a)
            for a in self.article_choices
            if self.cleaned_data.get(f"position_{a.pk}")
        ]
        return [article for _position, _title, article in sorted(chosen, key=lambda row: row[:2])]
