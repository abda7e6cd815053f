"""Readable names for the band and flag codes of the scoring contract."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .library import Instrument

FLAG_LABELS = {
    "suicidal_ideation": _("Thoughts of death or self-harm"),
    "suicide_risk": _("Suicide risk"),
    "acute_suicide_risk": _("Acute suicide risk"),
    "unanswered_critical": _("A critical item was not answered"),
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


def flag_labels(flags: list[str]) -> list[tuple[str, str]]:
    """(code, readable name) for each flag; pages keep the code in a data attribute."""
    return [(flag, str(FLAG_LABELS.get(flag, flag))) for flag in flags]
