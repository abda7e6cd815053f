"""The instrument library (ASM-1): one YAML file per instrument, validated against a JSON schema.

Files ship in ``assessments/instruments/``; a centre holding a licence for another instrument
uploads its file, which is stored in the database and validated the same way.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
import yaml

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"
SCHEMA_FILE = Path(__file__).resolve().parent / "instrument_schema.json"
SHIPPED_CODES = (
    "phq9",
    "phq2",
    "gad7",
    "gad2",
    "phq15",
    "k10",
    "k6",
    "who5",
    "gds15",
    "pcl5",
    "auditc",
    "asq",
)


class InstrumentError(ValueError):
    """An instrument file that does not follow the schema or is inconsistent."""


@dataclass(frozen=True)
class Instrument:
    code: str
    version: str
    data: dict = field(repr=False, compare=False, hash=False)

    @property
    def items(self) -> list[dict]:
        return self.data["items"]

    @property
    def item_count(self) -> int:
        return len(self.data["items"])

    @property
    def is_yes_no(self) -> bool:
        return self.data["response_type"] == "yes_no"

    @property
    def option_values(self) -> list[int]:
        return [option["value"] for option in self.data.get("options", [])]

    @property
    def higher_is_better(self) -> bool:
        """Which way a total improves, from the file's ``direction`` (lower is better by default)."""
        return self.data.get("direction", "lower_is_better") == "higher_is_better"

    @property
    def caseness_cutoff(self) -> float | None:
        """The file's clinical cut-off (``caseness``), or None when it names none."""
        caseness = self.data.get("caseness")
        return caseness["cutoff"] if caseness else None

    def in_clinical_range(self, total: float) -> bool | None:
        """Whether a total is at or beyond the cut-off, in the instrument's direction."""
        cutoff = self.caseness_cutoff
        if cutoff is None:
            return None
        return total <= cutoff if self.higher_is_better else total >= cutoff

    def text(self, key: str, language: str) -> str:
        value = self.data.get(key) or {}
        return value.get("en" if language.startswith("en") else "zh", "")


@cache
def _schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate_instrument_data(data: dict) -> None:
    """Schema validation plus the checks a schema cannot express."""
    try:
        jsonschema.validate(data, _schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(part) for part in exc.absolute_path) or "(top)"
        raise InstrumentError(f"{where}: {exc.message}") from exc
    numbers = [item["number"] for item in data["items"]]
    if numbers != list(range(1, len(numbers) + 1)):
        raise InstrumentError("items must be numbered 1, 2, 3… in order")
    if data["response_type"] == "likert" and not data.get("options"):
        raise InstrumentError("likert instruments need options")
    referenced = set(data["scoring"].get("items", []))
    for subscale in data.get("subscales", []):
        referenced |= set(subscale["items"])
    referenced |= set(data.get("critical_items", []))
    conditional = data.get("critical_when_positive", {})
    referenced |= set(conditional.get("items", [])) | set(conditional.get("if_any_yes", []))
    for rule in data.get("flags", []):
        referenced |= _condition_items(rule["when"])
    for rule in data.get("band_rules", []):
        referenced |= _condition_items(rule.get("when", {}))
    unknown = referenced - set(numbers)
    if unknown:
        raise InstrumentError(f"unknown item numbers referenced: {sorted(unknown)}")
    if not (data.get("bands") or data.get("bands_by_sex") or data.get("band_rules")):
        raise InstrumentError("an instrument needs bands, bands_by_sex or band_rules")
    conditions = [rule["when"] for rule in data.get("flags", [])]
    conditions += [rule["when"] for rule in data.get("band_rules", []) if "when" in rule]
    for condition in conditions:
        if ("gte" in condition) == ("eq" in condition) or ("item" in condition) == ("any_item" in condition):
            raise InstrumentError("a condition names one of item/any_item and one of gte/eq")
    for bands in [data.get("bands", []), *list(data.get("bands_by_sex", {}).values())]:
        for band in bands:
            if band["min"] > band["max"]:
                raise InstrumentError(f"band {band['code']}: min is above max")
        ordered = sorted(bands, key=lambda band: band["min"])
        for low, high in itertools.pairwise(ordered):
            if high["min"] <= low["max"]:
                raise InstrumentError(f"bands {low['code']} and {high['code']} overlap")


def _condition_items(condition: dict) -> set[int]:
    items = set(condition.get("any_item", []))
    if "item" in condition:
        items.add(condition["item"])
    return items


def parse_instrument(text: str) -> Instrument:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentError(f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InstrumentError("the file must describe one instrument (a mapping)")
    validate_instrument_data(data)
    return Instrument(code=data["code"], version=str(data["version"]), data=data)


@cache
def shipped_instruments() -> dict[str, Instrument]:
    instruments = {}
    for path in sorted(SHIPPED_DIR.glob("*.yaml")):
        try:
            instrument = parse_instrument(path.read_text(encoding="utf-8"))
        except InstrumentError as exc:
            raise InstrumentError(f"{path.name}: {exc}") from exc
        if instrument.code != path.stem:
            raise InstrumentError(f"{path.name}: its code is {instrument.code!r}, not {path.stem!r}")
        instruments[instrument.code] = instrument
    return instruments


@cache
def _uploaded_version(code: str, version: str) -> Instrument:
    # An uploaded version never changes (a new file is a new version), so it can be cached.
    from .models import UploadedInstrument

    upload = UploadedInstrument.objects.filter(code=code, version=version).first()
    if upload is None:
        raise KeyError(code)
    return parse_instrument(upload.definition)


def get_instrument(code: str, version: str | None = None) -> Instrument:
    """A shipped instrument, or one the centre uploaded (its current version unless one is named)."""
    shipped = shipped_instruments()
    if code in shipped:
        return shipped[code]
    from .models import UploadedInstrument

    if version is None:
        version = (
            UploadedInstrument.objects.filter(code=code, is_current=True)
            .values_list("version", flat=True)
            .first()
        )
        if version is None:
            raise KeyError(code)
    return _uploaded_version(code, version)


def available_instruments() -> dict[str, Instrument]:
    """Every instrument staff can choose: the shipped ones and the current uploads."""
    from .models import UploadedInstrument

    instruments = dict(shipped_instruments())
    for code, version in UploadedInstrument.objects.filter(is_current=True).values_list("code", "version"):
        instruments.setdefault(code, _uploaded_version(code, version))
    return instruments
