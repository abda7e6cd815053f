"""Readable names for the band and flag codes of the scoring contract."""

from __future__ import annotations

import re

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lib.wording import IN_DANGER_NOW

from .library import Instrument

FLAG_LABELS = {
    "suicidal_ideation": _("Thoughts of death or self-harm"),
    "suicide_risk": _("Suicide risk"),
    "acute_suicide_risk": _("Acute suicide risk"),
    "unanswered_critical": _("A critical item was not answered"),
    # The hotline's risk check (SVC-9) and counsellors' flags.
    "suicidal_thoughts": _("Thoughts of suicide or self-harm"),
    "plan": _("A plan"),
    "means": _("Access to means"),
    "harm_to_others": _("Risk of harming others"),
    "immediate_danger": IN_DANGER_NOW,
}


def band_label(instrument: Instrument, code: str) -> str:
    """The band's name in the reader's language, from the instrument file."""
    if not code:
        return ""
    key = "en" if (get_language() or "").startswith("en") else "zh"
    data = instrument.data
    candidates = list(data.get("bands", [])) + list(data.get("band_rules", []))
    for bands in data.get("bands_by_sex", {}).values():
        candidates += bands
    for band in candidates:
        if band.get("code", band.get("band")) == code:
            return band[key]
    return code


def band_choices(instrument: Instrument) -> list[tuple[str, str]]:
    """(code, readable name) of every band the instrument can give, in file order, each once."""
    data = instrument.data
    candidates = list(data.get("bands", [])) + list(data.get("band_rules", []))
    for bands in data.get("bands_by_sex", {}).values():
        candidates += bands
    seen: dict[str, str] = {}
    for band in candidates:
        code = band.get("code", band.get("band"))
        if code and code not in seen:
            seen[code] = band_label(instrument, code)
    return list(seen.items())


def instrument_flags(instrument: Instrument) -> set[str]:
    """Every flag the instrument's scoring can set (its flag rules, band rules, critical items)."""
    data = instrument.data
    flags = {rule["code"] for rule in data.get("flags", [])}
    for rule in data.get("band_rules", []):
        flags |= set(rule.get("flags", []))
    if data.get("critical_items"):
        flags.add("unanswered_critical")
    return flags


def flag_labels(flags: list[str]) -> list[tuple[str, str]]:
    """(code, readable name) for each flag; pages keep the code in a data attribute."""
    return [(flag, str(FLAG_LABELS.get(flag, flag))) for flag in flags]


def signal_labels(signal) -> tuple[str, list[str]]:
    """A risk signal's band and flags as a person reads them (the band named by its instrument)."""
    band = ""
    if signal.band:
        band = signal.band
        if signal.assessment_id:
            from .library import get_instrument

            try:
                band = band_label(
                    get_instrument(signal.assessment.instrument_code, signal.assessment.instrument_version),
                    signal.band,
                )
            except KeyError:
                band = signal.band
    return band, [label for _code, label in flag_labels(signal.flags or [])]


_ITEM_IN_MESSAGE = re.compile(r"item (\d+)")


def answer_error(exc: Exception) -> tuple[int | None, str]:
    """The scoring engine's refusal (English, for developers) as the item it names and a message
    a person understands, in their language."""
    text = str(exc)
    match = _ITEM_IN_MESSAGE.search(text)
    item = int(match.group(1)) if match else None
    if "for sex" in text:
        message = _("This item does not apply to this person's sex: leave it empty or enter 0.")
    elif item is not None:
        message = _("The answer to item %(item)s does not fit the instrument.") % {"item": item}
    else:
        message = _("This answer does not fit the instrument.")
    return item, str(message)
