"""Bulk entry of paper monthly reports (PRG-6), in the import pattern of SCR-2.

The printable blank form goes round on paper; someone who manages reporting types the forms into
the template this module hands out (XLSX; a CSV saved from it is read too). One row per report,
and one more row for each further person of concern of the same unit and month: the rows of a
report share its unit number and month, the first one carries the report's answers.

All or nothing: every report is written through ``services.report_enter_from_paper`` (so urgent
rows raise their signals exactly as on the page) inside one transaction, each in a savepoint so
that the checking goes on after a refused row; if any row is refused, the whole transaction is
rolled back and nothing stays, not even a signal (side effects wait for the commit). Each problem
is reported as (row as the spreadsheet shows it, column, reason in the user's language).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record
from lib.dates import in_range
from lib.spreadsheets import append_row, write_rows, xlsx_bytes, xlsx_workbook

from . import calendar as periods
from . import services
from .models import ConcernRow, ReportingAssignment
from .report_forms import current_form

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # paper forms of a school or a sub-district: a few thousand rows
MAX_XLSX_INFLATED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 200  # messages shown; every error is still counted
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?$")
_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
YES = {"是", "yes", "y", "1", "true"}
NO = {"", "否", "no", "n", "0", "false"}

# The template's columns: (key, label). The report form's own fields come between them.
CONCERN_KEYS = ("person_description", "category", "signs", "days", "urgency")


def fixed_columns() -> list[tuple[str, str]]:
    return [
        ("assignment", _("Unit number")),
        ("unit", _("Unit")),
        ("period", _("Month")),
        ("filled_on", _("Filled in on")),
        ("is_zero", _("Nothing to report")),
    ]


def concern_columns() -> list[tuple[str, str]]:
    return [
        ("person_description", _("Person of concern")),
        ("category", _("Category")),
        ("signs", _("What was noticed")),
        ("days", _("For how many days")),
        ("urgency", _("Urgency")),
    ]


def columns(form=None) -> list[tuple[str, str]]:
    form = form or current_form()
    answers = [(spec["key"], form.text(spec["label"])) for spec in form.fields]
    return [*fixed_columns(), *answers, *concern_columns()]


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet shows it: the header is row 1; 0 for the file as a whole
    column: str
    reason: str


class ImportRejected(Exception):
    """The file was refused; nothing was stored."""

    def __init__(self, errors: list[RowError], total: int | None = None):
        self.errors = errors[:MAX_ERRORS]
        self.total = total if total is not None else len(errors)
        super().__init__(f"{self.total} problems")


@dataclass
class _Report:
    first_row: int
    assignment: ReportingAssignment | None
    period: date | None
    values: dict
    concerns: list[tuple[int, dict]] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The template


def paper_assignments(*, user):
    """The units whose paper forms the person may enter (their active assignments in scope)."""
    visible = policy.filter_reporting_assignments(user, ReportingAssignment.objects.filter(is_active=True))
    return [
        a for a in visible.select_related("org_unit", "reporter") if policy.can_enter_paper_reports(user, a)
    ]


def paper_template(*, user, period: date | None = None) -> bytes:
    """The workbook to fill in: one row per unit the person may enter (its number and name
    filled in), the month given, and a sheet of instructions."""
    from openpyxl.styles import Font

    form = current_form()
    cols = columns(form)
    workbook = xlsx_workbook()
    sheet = workbook.active
    sheet.title = _("Data")[:31]
    append_row(sheet, [label for _key, label in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    for assignment in paper_assignments(user=user):
        append_row(
            sheet,
            [assignment.pk, assignment.org_unit.name, periods.period_label(period) if period else ""],
        )
    notes = workbook.create_sheet(_("Instructions")[:31])
    notes.column_dimensions["A"].width = 110
    write_rows(notes, ([line] for line in instruction_lines(form)))
    notes["A1"].font = Font(bold=True, size=14)
    return xlsx_bytes(workbook)


def instruction_lines(form) -> list[str]:
    return [
        _("How to fill in this file"),
        "",
        _("One row per paper form. Keep the first row (the column names) as it is."),
        _("Unit number and Unit: filled in for each unit you may enter; do not change the number."),
        _("Month: the month the form reports on, as YYYY-MM."),
        _("Filled in on: the day on the paper form, as YYYY-MM-DD; it decides whether it was on time."),
        _("Nothing to report: 是 for a zero report (then leave the answers and people empty)."),
        _(
            "A further person of concern on the same form: a new row right below it, with the same unit "
            "number and month or with both left empty."
        ),
        _("Category: one of %(list)s.")
        % {"list": "、".join(str(label) for _v, label in ConcernRow.Category.choices)},
        _("Urgency: one of %(list)s. 紧急 passes the person on to the counsellors at once.")
        % {"list": "、".join(str(label) for _v, label in ConcernRow.Urgency.choices)},
        _(
            "The whole file is checked first. If any row has a problem, nothing is stored, and a report "
            "lists each problem by row and column."
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Reading


def _file_error(reason: str) -> ImportRejected:
    return ImportRejected([RowError(0, "", reason)])


def _csv_rows(data: bytes) -> list[list]:
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # What Excel on a Chinese Windows writes when one saves "CSV (comma delimited)".
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise _file_error(_("This file is not CSV text.")) from None
    if "\x00" in text:
        raise _file_error(_("This file is not CSV text."))
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise _file_error(_("This file is not CSV text.")) from None


def _xlsx_rows(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = _("This file cannot be read as an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
        if inflated > MAX_XLSX_INFLATED_BYTES:
            raise _file_error(_("This workbook unpacks to far more data than paper forms fill."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = []
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                rows.append(row)
                if len(rows) > MAX_ROWS + 1:
                    break
            return rows
        finally:
            workbook.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise _file_error(unreadable) from exc


def read_rows(*, data: bytes, file_name: str) -> list:
    if not data:
        raise _file_error(_("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _file_error(
            _("The file is larger than %(mb)s MB: split it into smaller files.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    name = (file_name or "").lower()
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise _file_error(_("This file is not an Excel workbook (.xlsx)."))
        rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        rows = _csv_rows(data)
    else:
        raise _file_error(_("Upload the template as .xlsx or .csv."))
    if len(rows) > MAX_ROWS + 1:
        raise _file_error(
            _("The file has more than %(n)s rows: split it into smaller files.") % {"n": MAX_ROWS}
        )
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


def _choices(choices) -> dict[str, str]:
    """A choice by its code, or by its label in Chinese or in the reader's language."""
    found = {value: value for value, _label in choices}
    for language in ("zh-hans", translation.get_language() or "zh-hans"):
        with translation.override(language):
            found.update({str(label): value for value, label in choices})
    return found


def _parse_day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE_TEXT.match(_text(value))
    if not match:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return day if in_range(day) else None


def _parse_month(value) -> date | None:
    if isinstance(value, (datetime, date)):
        day = value.date() if isinstance(value, datetime) else value
        return day.replace(day=1)
    match = _MONTH_TEXT.match(_text(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    try:
        return periods.parse_period(f"{match.group(1)}-{int(match.group(2)):02d}")
    except ValidationError:
        return None


# ---------------------------------------------------------------------------------------------
# Checking and storing


class _Import:
    def __init__(self, *, actor, rows: list):
        self.actor = actor
        self.rows = rows
        self.form = current_form()
        self.cols = columns(self.form)
        self.label_of = dict(self.cols)
        self.errors: list[RowError] = []
        self.categories = _choices(ConcernRow.Category.choices)
        self.urgencies = _choices(ConcernRow.Urgency.choices)
        self.assignments = {a.pk: a for a in paper_assignments(user=actor)}

    def error(self, row: int, key: str, reason: str) -> None:
        self.errors.append(RowError(row, self.label_of.get(key, key), reason))

    def header(self, values) -> dict[str, int]:
        names = {}
        for key, label in self.cols:
            names[key] = key
            names[label] = key
            names[unicodedata.normalize("NFKC", label)] = key
        with translation.override("zh-hans"):
            for key, label in columns(self.form):
                names[label] = key
        found: dict[str, int] = {}
        for position, value in enumerate(values or ()):
            key = names.get(_text(value))
            if key and key not in found:
                found[key] = position
        missing = [label for key, label in self.cols if key not in found and key != "unit"]
        if missing:
            raise _file_error(
                _("The first row must hold the template's column names; missing: %(names)s.")
                % {"names": "、".join(missing)}
            )
        return found

    def group(self) -> list[_Report]:
        """The reports of the file, each with its people of concern, in the order they come."""
        if not self.rows:
            raise _file_error(_("The file is empty."))
        positions = self.header(self.rows[0])
        reports: dict[tuple, _Report] = {}
        last: _Report | None = None
        for number, raw in enumerate(self.rows[1:], start=2):
            raw = list(raw or ())

            def cell(key, raw=raw):
                position = positions.get(key)
                return raw[position] if position is not None and position < len(raw) else None

            values = {key: cell(key) for key in positions}
            if all(_text(v) == "" for k, v in values.items() if k not in ("assignment", "unit")):
                continue  # an empty row, or a unit of the template nobody filled in
            assignment_text = _text(values.get("assignment"))
            month_text = _text(values.get("period"))
            if (
                last is not None
                and not assignment_text
                and (not month_text or _parse_month(month_text) == last.period)
            ):
                # A further person of concern of the form above, its unit number left empty.
                assignment, period = last.assignment, last.period
            else:
                assignment = self.assignments.get(int(assignment_text)) if assignment_text.isdigit() else None
                if assignment is None:
                    self.error(number, "assignment", _("No unit with this number that you may enter."))
                period = _parse_month(values.get("period"))
                if period is None:
                    self.error(number, "period", _("Give the month as YYYY-MM, e.g. 2026-11."))
            concern = {key: values.get(key) for key in CONCERN_KEYS}
            has_concern = any(_text(v) for v in concern.values())
            key = (assignment.pk if assignment else f"row{number}", period)
            report = reports.get(key)
            if report is None:
                report = reports[key] = _Report(number, assignment, period, values)
            last = report
            if has_concern:
                parsed = self.concern(number, concern)
                if parsed is not None:
                    report.concerns.append((number, parsed))
        return list(reports.values())

    def concern(self, number: int, values: dict) -> dict | None:
        ok = True
        category = self.categories.get(_text(values["category"]))
        if category is None:
            self.error(number, "category", _("Choose one of the categories listed in the instructions."))
            ok = False
        urgency = self.urgencies.get(_text(values["urgency"]))
        if urgency is None:
            self.error(number, "urgency", _("Give the urgency: 一般, 需关注 or 紧急."))
            ok = False
        days_text = _text(values["days"])
        if not days_text.isdigit():
            self.error(number, "days", _("Enter a whole number."))
            ok = False
        if not ok:
            return None
        return {
            "person_description": _text(values["person_description"]),
            "category": category,
            "signs": _text(values["signs"]),
            "days": int(days_text),
            "urgency": urgency,
        }

    def store(self, report: _Report, *, now) -> None:
        number = report.first_row
        values = report.values
        zero_text = _text(values.get("is_zero")).lower()
        if zero_text not in YES | NO:
            self.error(number, "is_zero", _("Write 是 or leave the cell empty."))
            return
        filled_on = _parse_day(values.get("filled_on"))
        if filled_on is None:
            self.error(number, "filled_on", _("Give the day as YYYY-MM-DD."))
            return
        answers = {spec["key"]: _text(values.get(spec["key"])) for spec in self.form.fields}
        try:
            with transaction.atomic():
                services.report_enter_from_paper(
                    actor=self.actor,
                    assignment=report.assignment,
                    period=report.period,
                    filled_on=filled_on,
                    answers=answers,
                    is_zero=zero_text in YES,
                    concerns=[row for _n, row in report.concerns],
                    now=now,
                )
        except services.ConcernRowInvalid as exc:
            self._errors_of(report.concerns[exc.index][0], exc)
        except ValidationError as exc:
            self._errors_of(number, exc)
        except PermissionDenied:
            self.error(number, "assignment", _("No unit with this number that you may enter."))

    def _errors_of(self, number: int, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for key, errors in exc.error_dict.items():
                for error in errors:
                    self.error(number, key if key != "__all__" else "", " ".join(error.messages))
        else:
            for message in exc.messages:
                self.error(number, "", message)


@dataclass(frozen=True)
class ImportSummary:
    reports: int
    concerns: int


def paper_reports_import(*, actor, data: bytes, file_name: str, now=None) -> ImportSummary:
    """Check the whole file and enter every report in it, or nothing (see the module's text).

    Rules: the actor manages reporting (MANAGE_REPORTING); each row's unit is one they may enter;
    every report passes ``services.report_enter_from_paper`` (months off, locked months and
    reports already there are refused, with their row number).
    """
    if not policy.can_manage_reporting(actor):
        raise PermissionDenied
    rows = read_rows(data=data, file_name=file_name)
    job = _Import(actor=actor, rows=rows)
    reports = job.group()
    if not reports and not job.errors:
        raise _file_error(_("The file holds no filled-in form."))
    # Raising ImportRejected inside the block rolls back every report written before it.
    with transaction.atomic():
        for report in reports:
            if report.assignment is not None and report.period is not None:
                job.store(report, now=now)
        if job.errors:
            raise ImportRejected(sorted(job.errors, key=lambda e: e.row))
        summary = ImportSummary(len(reports), sum(len(r.concerns) for r in reports))
        audit_record(
            actor=actor,
            action="monthly_report.paper_imported",
            details={"reports": summary.reports, "concerns": summary.concerns},
        )
    return summary
