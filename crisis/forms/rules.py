"""The warning-rule editor (CRI-4): a rule's condition as fields a director fills in, translated to
and from the condition's JSON shape (crisis.rules documents the keys). Whether the condition fits
the source and the instrument is crisis.services.rules_admin's to decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.labels import FLAG_LABELS, band_choices, instrument_flags
from crisis.models import AlertRule, Level
from crisis.rules import condition_phrases, condition_problems, empty_condition_message, word_list

EITHER, YES, NO = "", "yes", "no"
TRI_STATE = [(EITHER, _("Either")), (YES, _("Yes")), (NO, _("No"))]
BOUNDS = ("min", "max", "eq")


def _tri(value) -> str:
    return EITHER if value is None else (YES if value else NO)


class AlertRuleEditForm(forms.Form):
    """One form for a new rule and for changing one; ``rule`` given means the code and the source
    are fixed and shown, not asked."""

    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(
        label=_("Code"),
        max_length=60,
        help_text=_("Letters, digits and hyphens, e.g. phq9-item9-min1; it never changes."),
    )
    source = forms.ChoiceField(label=_("Signals from"), choices=AlertRule.Source.choices)
    level = forms.ChoiceField(label=_("Level"), choices=list(reversed(Level.choices)))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    instrument = forms.ChoiceField(label=_("Instrument"), required=False)
    bands = forms.MultipleChoiceField(
        label=_("Band is one of"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Bands of the chosen instrument; hold Ctrl to choose several."),
    )
    severe = forms.ChoiceField(label=_("The band is marked severe"), choices=TRI_STATE, required=False)
    item = forms.IntegerField(label=_("Item number"), min_value=1, required=False)
    item_min = forms.IntegerField(label=_("Answer at least"), required=False)
    item_max = forms.IntegerField(label=_("Answer at most"), required=False)
    item_eq = forms.IntegerField(label=_("Answer exactly"), required=False)

    flag = forms.ChoiceField(label=_("Carries the flag"), required=False)
    any_flag = forms.MultipleChoiceField(
        label=_("Carries at least one of the flags"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    all_flags = forms.MultipleChoiceField(
        label=_("Carries all of the flags"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("E.g. thoughts of suicide, a plan and the means together."),
    )
    urgent = forms.ChoiceField(label=_("Marked urgent"), choices=TRI_STATE, required=False)
    immediate_danger = forms.ChoiceField(label=_("Immediate danger"), choices=TRI_STATE, required=False)

    RULE_FIELDS = ("name", "code", "source", "level", "is_active")
    ASSESSMENT_FIELDS = ("instrument", "bands", "severe", "item", "item_min", "item_max", "item_eq")
    SIGNAL_FIELDS = ("flag", "any_flag", "all_flags", "urgent", "immediate_danger")

    def __init__(self, *args, instruments: dict, rule: AlertRule | None = None, **kwargs):
        self.rule = rule
        # A new rule starts yellow: red pages the duty counsellor within minutes, so it is chosen.
        kwargs.setdefault("initial", self.initial_for(rule) if rule is not None else {"level": Level.YELLOW})
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = [("", _("Any instrument"))] + [
            (code, instrument.data.get("short_name", code))
            for code, instrument in sorted(instruments.items())
        ]
        # "phq9:severe": a band code alone is ambiguous (several instruments have "severe"). With an
        # instrument chosen only its bands are offered (the page asks again when it changes);
        # without one, every instrument's, grouped, so the form also works without JavaScript.
        chosen = instruments.get(self["instrument"].value() or "")
        self.chosen = chosen
        self.foreign_bands: list[str] = []
        if chosen is not None:
            # Bands already chosen of another instrument stay in the list, chosen and named with
            # their instrument, and are refused on save: dropping them without a word would save
            # "GAD-7 with a PHQ-9 band" as "every GAD-7 result".
            every = {
                f"{code}:{band}": f"{instrument.data.get('short_name', code)} {label}"
                for code, instrument in instruments.items()
                for band, label in band_choices(instrument)
            }
            picked = self["bands"].value() or []
            picked = [picked] if isinstance(picked, str) else list(picked)
            self.foreign_bands = [
                value for value in picked if value in every and not value.startswith(f"{chosen.code}:")
            ]
            self.fields["bands"].choices = [
                (f"{chosen.code}:{band}", label) for band, label in band_choices(chosen)
            ] + [(value, every[value]) for value in self.foreign_bands]
        else:
            self.fields["bands"].choices = [
                (
                    instrument.data.get("short_name", code),
                    [(f"{code}:{band}", label) for band, label in band_choices(instrument)],
                )
                for code, instrument in sorted(instruments.items())
            ]
        flags = set(FLAG_LABELS)
        for instrument in instruments.values():
            flags |= instrument_flags(instrument)
        flag_choices = sorted(
            ((flag, str(FLAG_LABELS.get(flag, flag))) for flag in flags), key=lambda c: c[0]
        )
        self.fields["flag"].choices = [("", _("No flag required")), *flag_choices]
        self.fields["any_flag"].choices = flag_choices
        self.fields["all_flags"].choices = flag_choices
        self.instruments = instruments
        self.kept: dict = {}
        self.unreadable = False
        if rule is not None:
            del self.fields["code"], self.fields["source"]
            if rule.source != AlertRule.Source.ASSESSMENT:
                for name in self.ASSESSMENT_FIELDS:
                    del self.fields[name]
            self.unreadable = bool(condition_problems(rule.condition or {}))
            self.kept = {} if self.unreadable else self.hidden_parts(rule)
        self.kept_phrases = condition_phrases(self.kept, instruments=instruments)

    @staticmethod
    def hidden_parts(rule: AlertRule) -> dict:
        """The parts of a rule's condition the editor has no field for, kept as they are on save:
        a band of an external system's signal, or bands named without their instrument."""
        condition = rule.condition or {}
        if rule.source != AlertRule.Source.ASSESSMENT:
            keys = ("instrument", "band", "bands", "severe", "item", "min", "max", "eq")
        elif "instrument" not in condition:
            keys = ("band", "bands")
        else:
            keys = ()
        return {key: condition[key] for key in keys if key in condition}

    @staticmethod
    def initial_for(rule: AlertRule) -> dict:
        condition = rule.condition or {}
        condition = condition if not condition_problems(condition) else {}
        code = condition.get("instrument", "")
        bands = [condition["band"]] if "band" in condition else list(condition.get("bands", []))
        bands = bands if code else []  # bands without their instrument are kept, not shown
        return {
            "name": rule.name,
            "level": rule.level,
            "is_active": rule.is_active,
            "instrument": code,
            "bands": [f"{code}:{band}" for band in bands],
            "severe": _tri(condition.get("severe")),
            "item": condition.get("item"),
            "item_min": condition.get("min"),
            "item_max": condition.get("max"),
            "item_eq": condition.get("eq"),
            "flag": condition.get("flag", ""),
            "any_flag": list(condition.get("any_flag", [])),
            "all_flags": list(condition.get("all_flags", [])),
            "urgent": _tri(condition.get("urgent")),
            "immediate_danger": _tri(condition.get("immediate_danger")),
        }

    def clean(self):
        data = super().clean()
        instrument = data.get("instrument") or ""
        bands = data.get("bands") or []
        if bands and not instrument:
            self.add_error("bands", _("Choose the instrument these bands belong to."))
        elif self.foreign_bands:
            self.add_error("bands", self.foreign_bands_message())
        has_bound = any(data.get(f"item_{key}") is not None for key in BOUNDS)
        if data.get("item") is not None and not has_bound:
            self.add_error(
                "item_min", _("Give the answer the item must have (at least, at most or exactly).")
            )
        if has_bound and data.get("item") is None:
            self.add_error("item", _("Give the item number these answers are about."))
        if data.get("item") is not None and not instrument:
            self.add_error("instrument", _("Choose the instrument of the item."))
        if not self.errors and not self.condition() and (self.rule is None or self.rule.condition):
            # A rule without a condition would alert on every signal of its source. The default
            # rules for "any other signal" of a source stay as they are, and can still be renamed
            # and switched; a new one, or a condition emptied by mistake, is refused.
            source = self.rule.source if self.rule is not None else data.get("source")
            field = "instrument" if source == AlertRule.Source.ASSESSMENT else "flag"
            self.add_error(field, empty_condition_message(source))
        return data

    def foreign_bands_message(self) -> str:
        """Why the bands of another instrument cannot be kept (shown on the bands field)."""
        names = [label for value, label in self.fields["bands"].choices if value in self.foreign_bands]
        instrument = self.chosen.data.get("short_name", self.chosen.code)
        return _(
            "%(bands)s is not a band of %(instrument)s: unselect it, or choose the instrument it belongs to."
        ) % {"bands": word_list(names), "instrument": instrument}

    def condition(self) -> dict:
        """The cleaned fields as a condition (crisis.rules); empty fields add nothing; the parts the
        editor does not show are kept unless the fields now say the same thing."""
        data = self.cleaned_data
        condition: dict = {}
        if data.get("instrument"):
            condition["instrument"] = data["instrument"]
        bands = [value.split(":", 1)[1] for value in data.get("bands") or []]
        if len(bands) == 1:
            condition["band"] = bands[0]
        elif bands:
            condition["bands"] = bands
        if data.get("severe"):
            condition["severe"] = data["severe"] == YES
        if data.get("item") is not None:
            condition["item"] = data["item"]
            for key in BOUNDS:
                if data.get(f"item_{key}") is not None:
                    condition[key] = data[f"item_{key}"]
        if data.get("flag"):
            condition["flag"] = data["flag"]
        if data.get("any_flag"):
            condition["any_flag"] = list(data["any_flag"])
        if data.get("all_flags"):
            condition["all_flags"] = list(data["all_flags"])
        for key in ("urgent", "immediate_danger"):
            if data.get(key):
                condition[key] = data[key] == YES
        kept = dict(self.kept)
        if "band" in condition or "bands" in condition:
            kept.pop("band", None)
            kept.pop("bands", None)
        return {**kept, **condition}

    def groups(self) -> list[tuple[str, list]]:
        """The fields in the editor's sections (a section without fields is left out)."""
        sections = [
            (_("Rule"), self.RULE_FIELDS),
            (_("Assessment results"), self.ASSESSMENT_FIELDS),
            (_("Flags and marks"), self.SIGNAL_FIELDS),
        ]
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in sections
            if any(name in self.fields for name in names)
        ]
