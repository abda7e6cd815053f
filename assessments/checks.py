"""Start-up check: every shipped instrument file follows the schema (ASM-1)."""

from django.core import checks

from .library import SHIPPED_CODES, InstrumentError, shipped_instruments


@checks.register()
def instrument_files_are_valid(app_configs=None, **kwargs):
    try:
        instruments = shipped_instruments()
    except InstrumentError as exc:
        return [checks.Error(f"An instrument file is invalid: {exc}", id="assessments.E001")]
    missing = sorted(set(SHIPPED_CODES) - set(instruments))
    if missing:
        return [checks.Error(f"Instrument files missing: {', '.join(missing)}", id="assessments.E002")]
    return []
