"""The monthly report form (PRG-6) as a versioned data file, like the instruments of ASM-1.

One YAML file per version ships in ``monthlyreports/report_forms/`` (``<code>-<version>.yaml``).
A report records the code and version it was written on, so a later version of the form never
changes what an earlier report asked; new reports use the highest version of the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

FORMS_DIR = Path(__file__).resolve().parent / "report_forms"
DEFAULT_FORM = "psych_monthly"
FIELD_KINDS = ("scale", "count", "text")


class ReportFormError(ValueError):
    """A form file that does not describe a form this app can show."""


@dataclass(frozen=True)
class ReportForm:
    code: str
    version: str
    data: dict = field(repr=False, compare=False, hash=False)

    def text(self, value: dict | None) -> str:
        value = value or {}
        return value.get("en" if (get_language() or "zh").startswith("en") else "zh", "")

    @property
    def title(self) -> str:
        return self.text(self.data.get("title"))

    @property
    def sections(self) -> list[dict]:
        return self.data["sections"]

    @property
    def fields(self) -> list[dict]:
        return [f for section in self.sections for f in section["fields"]]

    def clean_answers(self, answers: dict | None, *, complete: bool) -> dict:
        """The answers reduced to this form's fields, each checked against its kind and bounds.

        ``complete`` asks for every required field (a submission); a draft may leave any out.
        Raises a ValidationError keyed by field, in the reader's language.
        """
        answers = answers or {}
        if not isinstance(answers, dict):
            raise ValidationError({"answers": _("The answers must be a set of fields.")})
        cleaned: dict = {}
        errors: dict[str, str] = {}
        for spec in self.fields:
            key = spec["key"]
            value = answers.get(key)
            if value in (None, ""):
                if complete and spec.get("required"):
                    errors[key] = _("Fill in “%(field)s”.") % {"field": self.text(spec["label"])}
                continue
            if spec["kind"] in ("scale", "count"):
                low, high = spec.get("min", 0), spec["max"]
                try:
                    number = int(str(value).strip())
                except ValueError:
                    errors[key] = _("Enter a whole number.")
                    continue
                if not low <= number <= high:
                    errors[key] = _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
                    continue
                cleaned[key] = number
            else:
                text = str(value).strip()
                if len(text) > spec["max_length"]:
                    errors[key] = _("Keep this under %(limit)s characters.") % {"limit": spec["max_length"]}
                    continue
                if text:
                    cleaned[key] = text
        if errors:
            raise ValidationError(errors)
        return cleaned


def _check(data) -> None:
    if not isinstance(data, dict):
        raise ReportFormError("the file must describe one form (a mapping)")
    for key in ("code", "version", "title", "sections"):
        if key not in data:
            raise ReportFormError(f"missing {key!r}")
    keys = set()
    for section in data["sections"]:
        for spec in section.get("fields", []):
            if spec.get("kind") not in FIELD_KINDS:
                raise ReportFormError(f"field {spec.get('key')!r}: kind must be one of {FIELD_KINDS}")
            if spec["kind"] in ("scale", "count") and not isinstance(spec.get("max"), int):
                raise ReportFormError(f"field {spec['key']!r}: a number needs an integer max")
            if spec["kind"] == "text" and not isinstance(spec.get("max_length"), int):
                raise ReportFormError(f"field {spec['key']!r}: a text needs max_length")
            if spec["key"] in keys:
                raise ReportFormError(f"field {spec['key']!r} appears twice")
            keys.add(spec["key"])


def parse_report_form(text: str) -> ReportForm:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ReportFormError(f"not valid YAML: {exc}") from exc
    _check(data)
    return ReportForm(code=data["code"], version=str(data["version"]), data=data)


@cache
def shipped_forms() -> dict[tuple[str, str], ReportForm]:
    forms = {}
    for path in sorted(FORMS_DIR.glob("*.yaml")):
        form = parse_report_form(path.read_text(encoding="utf-8"))
        if path.stem != f"{form.code}-{form.version}":
            raise ReportFormError(f"{path.name}: should be named {form.code}-{form.version}.yaml")
        forms[(form.code, form.version)] = form
    return forms


def report_form(code: str, version: str) -> ReportForm:
    return shipped_forms()[(code, version)]


def current_form(code: str = DEFAULT_FORM) -> ReportForm:
    """The highest version of a form (what a new report is written on)."""
    versions = [form for (c, _v), form in shipped_forms().items() if c == code]
    if not versions:
        raise ReportFormError(f"no form {code!r}")
    return max(versions, key=lambda form: int(form.version) if form.version.isdigit() else 0)


def form_codes() -> list[str]:
    return sorted({code for code, _v in shipped_forms()})
