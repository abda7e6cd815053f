"""Bulk entry of paper results into a screening campaign (SCR-2).

A spreadsheet (CSV or XLSX) holds one row per person and sitting: name, ID card number, the day
the form was filled in, and the answer to each item of one instrument. The whole file is checked
first, in one streaming pass that keeps only a compact tuple per good row; only when no row has a
problem is anything stored — everything, in one transaction, in batches (all or nothing). Each
problem is reported as (row as the spreadsheet shows it, column, reason in the user's language);
the report names no one.

Stored rows are ordinary campaign results: one ``CampaignResponse`` per row (so coverage counts
the person), one ``Assessment`` with context ``import``, and a ``RiskSignal`` for a severe band or
a critical flag, exactly as a self-test would raise it. One audit entry records the import.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archives.models import Archive, DocumentType, Resident
from archives.permissions import REGISTER_RESIDENTS
from archives.services import ADULT_AGE, ID_ERRORS, ID_INDEX_PURPOSE, DuplicateResident, resident_register
from assessments.labels import answer_error
from assessments.library import Instrument, get_instrument
from assessments.models import Assessment, Campaign, CampaignResponse, ImportJob
from assessments.permissions import MANAGE_CAMPAIGNS
from assessments.scoring import AnswerError, score
from confidentiality import policy
from confidentiality.services import audit_record
from crisis import rules
from crisis.models import RiskSignal
from crisis.services.intake import alerts_from_signals
from lib.encryption import _fernet, blind_index  # _fernet: the payload is bytes, not text
from lib.identity import InvalidIdNumber, parse_prc_id_number
from lib.spreadsheets import append_row, csv_bytes, write_rows, xlsx_bytes, xlsx_workbook

from .services import campaign_targets

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# An .xlsx is a ZIP of XML: what it unpacks to is read (the shared strings whole, a cell's text
# whole), so a tiny file that inflates to gigabytes would take that much memory. A real template
# of 200 000 rows unpacks to about 100 MB, at a ratio of 10 to 30.
MAX_XLSX_INFLATED_BYTES = 256 * 1024 * 1024
MAX_XLSX_RATIO = 100  # uncompressed ÷ compressed, for members over 1 MB
MAX_ROWS = 200_000
MAX_ERRORS = 200  # messages kept; every error is still counted
RESOLVE_BATCH = 1000  # rows whose residents are looked up together
STORE_BATCH = 2000  # rows inserted together
PROGRESS_EVERY = 1000
ID_CACHE_LIMIT = 50_000
SCORE_CACHE_LIMIT = 50_000
FIXED_COLUMNS = ("name", "id_number", "date")
# Column names people type in Chinese spreadsheets, read as the template's names.
HEADER_ALIASES = {
    "姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "证件号码": "id_number",
    "施测日期": "date",
    "日期": "date",
}
YES_NO = {"yes": "yes", "no": "no", "y": "yes", "n": "no", "是": "yes", "否": "no"}
_DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?")
_EMPTY: tuple = ()

Progress = Callable[[str, int, int], None]  # (stage, rows done, rows in all — 0 when unknown)


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet shows it: the header is row 1; 0 for the file as a whole
    column: str
    reason: str

    def as_list(self) -> list:
        return [self.row, self.column, self.reason]


class ImportRejected(Exception):
    """The file was refused as a whole; nothing was stored."""

    def __init__(self, errors: Iterable[RowError], total: int | None = None):
        self.errors = list(errors)
        self.total = total if total is not None else len(self.errors)
        super().__init__(f"{self.total} problems")


@dataclass(frozen=True)
class ImportSummary:
    rows_stored: int
    signals_raised: int
    residents_created: int


# ---------------------------------------------------------------------------------------------
# Instruments and templates


def import_instruments(campaign: Campaign) -> list[str]:
    """Instruments whose results may be imported: the battery, and each full instrument that a
    screener of the battery leads into (PHQ-2 → PHQ-9)."""
    codes: list[str] = []
    for code in campaign.instruments:
        try:
            instrument = get_instrument(code)
        except KeyError:
            continue
        for candidate in (code, instrument.data.get("full_instrument")):
            if candidate and candidate not in codes:
                codes.append(candidate)
    return codes


def format_of(file_name: str) -> str | None:
    name = file_name.lower()
    for file_format in FORMATS:
        if name.endswith(f".{file_format}"):
            return file_format
    return None


def item_columns(instrument: Instrument) -> list[str]:
    return [f"item_{number}" for number in range(1, instrument.item_count + 1)]


def template_columns(instrument: Instrument) -> list[str]:
    return [*FIXED_COLUMNS, *item_columns(instrument)]


def _language_key() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def _allowed_answers(instrument: Instrument) -> list[str]:
    if instrument.is_yes_no:
        return ["yes", "no", "是", "否"]
    return [str(value) for value in instrument.option_values]


def instruction_lines(campaign: Campaign, instrument: Instrument) -> list[str]:
    """How to fill in the template, in the reader's language (the XLSX instructions sheet)."""
    key = _language_key()
    lines = [
        _("How to fill in this file"),
        "",
        _("Campaign: %(name)s, %(start)s to %(end)s")
        % {"name": campaign.name, "start": campaign.starts_on, "end": campaign.ends_on},
        _("Instrument: %(name)s (version %(version)s)")
        % {"name": instrument.text("name", key), "version": instrument.version},
        "",
        _("One row per person and sitting. Keep the first row (the column names) as it is."),
        _("name: the person's name, exactly as on file."),
        _(
            "id_number: the 18-digit ID card number. Keep this column formatted as text, "
            "or Excel loses digits."
        ),
        _(
            "date: the day the form was filled in, as YYYY-MM-DD, within the campaign period "
            "and not in the future."
        ),
        _("item_1 … item_%(count)s: the answer to each item; leave a cell empty for an unanswered item.")
        % {"count": instrument.item_count},
        _(
            "The whole file is checked first. If any row has a problem, nothing is stored, and a report "
            "lists each problem by row and column."
        ),
        "",
        _("Allowed answers:"),
    ]
    if instrument.is_yes_no:
        lines += [f"yes / 是 — {_('Yes')}", f"no / 否 — {_('No')}"]
    else:
        lines += [f"{option['value']} — {option[key]}" for option in instrument.data["options"]]
    lines += ["", _("Items:")]
    lines += [f"item_{item['number']} — {item[key]}" for item in instrument.items]
    return lines


def _instrument_of(campaign: Campaign, instrument_code: str) -> Instrument:
    if instrument_code not in import_instruments(campaign):
        raise ValueError(instrument_code)
    return get_instrument(instrument_code)


def import_template(campaign: Campaign, instrument_code: str, file_format: str) -> bytes:
    """An empty spreadsheet to fill in: ``name,id_number,date,item_1…item_n``.

    The CSV is UTF-8 with a byte-order mark, so that Excel opens Chinese text correctly; the XLSX
    keeps the ID column as text, offers the allowed answers in each item column, shows each item's
    text as a comment on its column name, and has a second sheet with instructions.
    Raises ValueError for an instrument outside the campaign or an unknown format.
    """
    instrument = _instrument_of(campaign, instrument_code)
    columns = template_columns(instrument)
    if file_format == "csv":
        return csv_bytes([columns])
    if file_format == "xlsx":
        return _xlsx_template(campaign, instrument, columns)
    raise ValueError(file_format)


def _xlsx_template(campaign: Campaign, instrument: Instrument, columns: list[str]) -> bytes:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    key = _language_key()
    workbook = xlsx_workbook()
    sheet = workbook.active
    sheet.title = _("Data")[:31]
    append_row(sheet, columns)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["B"].number_format = "@"  # text: Excel keeps all 18 digits
    sheet.column_dimensions["C"].width = 12
    sheet.column_dimensions["C"].number_format = "yyyy-mm-dd"
    last_row = MAX_ROWS + 1
    allowed = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(_allowed_answers(instrument))),
        allow_blank=True,
        showErrorMessage=True,
    )
    allowed.error = _("Enter one of the allowed answers, or leave the cell empty.")
    sheet.add_data_validation(allowed)
    for position, item in enumerate(instrument.items, start=len(FIXED_COLUMNS) + 1):
        letter = get_column_letter(position)
        header = sheet.cell(row=1, column=position)
        header.comment = Comment(f"{item['number']}. {item[key]}", "Xinqiao", width=300, height=100)
        allowed.add(f"{letter}2:{letter}{last_row}")
    notes = workbook.create_sheet(_("Instructions")[:31])
    notes.column_dimensions["A"].width = 110
    write_rows(notes, ([line] for line in instruction_lines(campaign, instrument)))
    notes["A1"].font = Font(bold=True, size=14)
    return xlsx_bytes(workbook)


# ---------------------------------------------------------------------------------------------
# Reading rows


def _file_error(reason: str) -> ImportRejected:
    return ImportRejected([RowError(0, "", reason)])


def _sniff_encoding(file) -> str:
    """UTF-8 (with or without a byte-order mark), else GB18030: what Excel on a Chinese Windows
    writes when one saves "CSV (comma delimited)"."""
    head = file.read(64 * 1024)
    file.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def _count_lines(file) -> int:
    lines, last = 0, b"\n"
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    file.seek(0)
    return lines + (last != b"\n")


def _csv_rows(file) -> tuple[Iterator[list], int]:
    estimate = max(_count_lines(file) - 1, 0)
    encoding = _sniff_encoding(file)

    def rows():
        text = io.TextIOWrapper(file, encoding=encoding, newline="")
        try:
            yield from csv.reader(text)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _file_error(
                _("This file cannot be read as CSV text. Save it from Excel as “CSV UTF-8” and try again.")
            ) from exc
        finally:
            text.detach()

    return rows(), estimate


def _check_inflated_size(file) -> None:
    """Refuse a workbook that would unpack to more than MAX_XLSX_INFLATED_BYTES, or one of whose
    large parts is compressed more than MAX_XLSX_RATIO times (a zip bomb), from the sizes its ZIP
    directory declares; the reader stops at the declared size, so a member cannot lie bigger."""
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
    file.seek(0)
    total = sum(member.file_size for member in members)
    bomb = any(
        member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if total > MAX_XLSX_INFLATED_BYTES or bomb:
        raise _file_error(
            _(
                "This workbook unpacks to far more data than a spreadsheet of results holds (more "
                "than %(max)s MB, or compressed suspiciously well). Save it again as a new .xlsx "
                "file or as CSV, and upload that."
            )
            % {"max": MAX_XLSX_INFLATED_BYTES // (1024 * 1024)}
        )


def _xlsx_rows(file) -> tuple[Iterator[tuple], int]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = _("This file cannot be read as an Excel workbook (.xlsx).")
    try:
        _check_inflated_size(file)
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise _file_error(unreadable) from exc
    sheet = workbook.worksheets[0]
    estimate = max((sheet.max_row or 1) - 1, 0)

    def rows():
        try:
            yield from sheet.iter_rows(values_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise _file_error(unreadable) from exc
        finally:
            workbook.close()

    return rows(), estimate


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _same_name(a: str, b: str) -> bool:
    return "".join(a.split()) == "".join(b.split())


# ---------------------------------------------------------------------------------------------
# Checking and storing


class _Import:
    """One import: the checking pass keeps compact tuples of good rows, then they are stored."""

    def __init__(self, *, actor, campaign: Campaign, instrument: Instrument, import_id: str, progress):
        self.actor = actor
        self.campaign = campaign
        self.instrument = instrument
        self.import_id = import_id
        self.progress = progress or (lambda stage, done, total: None)
        self.today = timezone.localdate()
        self.latest_day = min(campaign.ends_on, self.today)
        self.can_register = policy.has_permission(actor, REGISTER_RESIDENTS)
        self.items = item_columns(instrument)
        # Cell value → answer as stored: "2" and 2 (and 2.0, equal to 2) → 2; "是", "Yes" → "yes".
        if instrument.is_yes_no:
            self.answer_lookup = {key: value for key, value in YES_NO.items()}
        else:
            self.answer_lookup = {str(value): value for value in instrument.option_values}
            self.answer_lookup.update({value: value for value in instrument.option_values})
        self.scores: dict[tuple, tuple] = {}
        self.allowed_text = ", ".join(_allowed_answers(instrument))
        self.positions: dict[str, int] = {}
        self.labels: dict[str, str] = {}
        self.errors: list[RowError] = []
        self.error_total = 0
        self.rows_seen = 0
        # Good rows: (row, resident key, day, answers JSON, sex used, valid, total, band, flags,
        # subscales, severe); the resident key is a pk, or the blind index of a person to register.
        self.good: list[tuple] = []
        self.pending: list[tuple] = []  # parsed rows waiting for their residents to be looked up
        self.ids: dict[str, tuple | str] = {}  # cell text → (number, index, sex, birth date) or error
        self.days: dict[str, date | None] = {}
        self.residents: dict[str, tuple | None] = {}  # index → (pk, name, sex, in targets) or None
        self.new_residents: dict[str, tuple[int, str, str]] = {}  # index → (row, name, number)
        self.seen: dict[tuple, int] = {}  # (resident key, day) → row

    # -- errors

    def error(self, row: int, column: str, reason) -> None:
        self.error_total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, self.labels.get(column, column), str(reason)))
        self.good.clear()  # nothing will be stored: stop holding rows

    # -- the header

    def read_header(self, cells) -> bool:
        expected = template_columns(self.instrument)
        for position, cell in enumerate(cells):
            label = _text(cell).lstrip("\ufeff")
            if not label:
                continue
            name = HEADER_ALIASES.get(label, label.lower())
            if name.isdigit():
                name = f"item_{int(name)}"
            if name in self.positions:
                self.error(1, label, _("This column appears twice."))
                continue
            if name.startswith("item_") and name not in expected:
                self.error(
                    1,
                    label,
                    _(
                        "%(instrument)s has no item with this number: "
                        "is this the template of another instrument?"
                    )
                    % {"instrument": self.instrument.data.get("short_name", self.instrument.code)},
                )
                continue
            self.positions[name] = position
            self.labels[name] = label
        for name in expected:
            if name not in self.positions:
                self.error(1, name, _("This column is missing: start from the template."))
        return not self.error_total

    # -- one row

    def read_row(self, row: int, cells) -> None:
        def cell(name):
            position = self.positions[name]
            return cells[position] if position < len(cells) else None

        ok = True
        name = _text(cell("name"))
        if not name:
            self.error(row, "name", _("Enter the name."))
            ok = False
        elif len(name) > Resident._meta.get_field("name").max_length:
            self.error(row, "name", _("This name is too long."))
            ok = False
        identity = self.read_id(row, cell("id_number"))
        day = self.read_day(row, cell("date"))
        answers = []
        for column in self.items:
            answer = self.read_answer(row, column, cell(column))
            if answer is False:
                ok = False
            else:
                answers.append(answer)
        if ok and identity is not None and day is not None:
            self.pending.append((row, name, identity, day, answers))
            if len(self.pending) >= RESOLVE_BATCH:
                self.flush()

    def read_id(self, row: int, value) -> tuple | None:
        if isinstance(value, float) or (isinstance(value, str) and "E+" in value.upper()):
            self.error(
                row,
                "id_number",
                _(
                    "Excel stored this ID card number as a number and lost digits: format the column "
                    "as text and enter the number again."
                ),
            )
            return None
        text = _text(value)
        if not text:
            self.error(row, "id_number", _("Enter the ID card number."))
            return None
        known = self.ids.get(text)
        if known is None:
            try:
                facts = parse_prc_id_number(text, today=self.today)
            except InvalidIdNumber as exc:
                known = exc.reason
            else:
                index = blind_index(f"{DocumentType.PRC_ID}:{facts.number}", purpose=ID_INDEX_PURPOSE)
                known = (facts.number, index, facts.sex, facts.birth_date)
            if len(self.ids) >= ID_CACHE_LIMIT:
                self.ids.clear()
            self.ids[text] = known
        if isinstance(known, str):
            self.error(row, "id_number", ID_ERRORS[known])
            return None
        return known

    def read_day(self, row: int, value) -> date | None:
        if isinstance(value, datetime):
            day = value.date()
        elif isinstance(value, date):
            day = value
        elif _blank(value):
            self.error(row, "date", _("Enter the date as YYYY-MM-DD."))
            return None
        else:
            text = str(value).strip()
            if text not in self.days:
                match = _DATE_TEXT.fullmatch(text)
                try:
                    parsed = date(*(int(part) for part in match.groups())) if match else None
                except ValueError:
                    parsed = None
                self.days[text] = parsed
            day = self.days[text]
            if day is None:
                self.error(row, "date", _("Enter the date as YYYY-MM-DD."))
                return None
        if not self.campaign.starts_on <= day <= self.latest_day:
            self.error(
                row,
                "date",
                _(
                    "The date must lie within the campaign period (%(start)s to %(end)s) "
                    "and not in the future."
                )
                % {"start": self.campaign.starts_on, "end": self.campaign.ends_on},
            )
            return None
        return day

    def read_answer(self, row: int, column: str, value):
        """The answer as stored (an int, "yes"/"no", or None when unanswered); False if refused."""
        if value is None or value == "":
            return None
        if type(value) is not bool:  # True == 1: a ticked box is no answer of a scale
            answer = self.answer_lookup.get(value)
            if answer is not None:
                return answer
        text = _text(value)
        if not text:
            return None
        answer = self.answer_lookup.get(text, self.answer_lookup.get(text.lower()))
        if answer is None or type(value) is bool:
            self.error(
                row,
                column,
                _("“%(value)s” is not an allowed answer (allowed: %(allowed)s).")
                % {"value": text[:20], "allowed": self.allowed_text},
            )
            return False
        return answer

    # -- residents, duplicates and scores, a batch of rows at a time

    def resolve(self, indexes: set[str]) -> None:
        ordered = sorted(indexes)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            found = list(
                Resident.objects.filter(
                    document_type=DocumentType.PRC_ID, id_number_index__in=chunk, is_anonymised=False
                ).values_list("pk", "id_number_index", "name", "sex")
            )
            targets = set(
                campaign_targets(self.campaign)
                .filter(pk__in=[pk for pk, *_rest in found])
                .values_list("pk", flat=True)
            )
            for index in chunk:
                self.residents[index] = None
            for pk, index, name, sex in found:
                self.residents[index] = (pk, name, sex, pk in targets)

    def stored_days(self, pks: set[int]) -> set[tuple[int, date]]:
        days = set()
        ordered = sorted(pks)
        for start in range(0, len(ordered), 500):
            for pk, at in Assessment.objects.filter(
                campaign=self.campaign,
                instrument_code=self.instrument.code,
                resident_id__in=ordered[start : start + 500],
            ).values_list("resident_id", "administered_at"):
                days.add((pk, timezone.localdate(at)))
        return days

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        unknown = {identity[1] for _row, _name, identity, _day, _answers in pending} - self.residents.keys()
        if unknown:
            self.resolve(unknown)
        known_pks = {
            self.residents[identity[1]][0]
            for _row, _name, identity, _day, _answers in pending
            if self.residents[identity[1]] is not None
        }
        stored = self.stored_days(known_pks) if known_pks else set()
        not_found = _("No one with this ID card number and name is on file in this campaign's target units.")
        for row, name, identity, day, answers in pending:
            number, index, id_sex, birth_date = identity
            resident = self.residents[index]
            if resident is None:
                if not self.campaign.allow_new_residents:
                    self.error(row, "id_number", not_found)
                    continue
                if not self.can_register:
                    self.error(
                        row, "id_number", _("This person is not on file, and you may not register residents.")
                    )
                    continue
                age = self.today.year - birth_date.year
                age -= (self.today.month, self.today.day) < (birth_date.month, birth_date.day)
                if age < ADULT_AGE:
                    self.error(
                        row,
                        "id_number",
                        _("This person is a minor and not on file: register them with a guardian first."),
                    )
                    continue
                first = self.new_residents.setdefault(index, (row, name, number))
                if not _same_name(first[1], name):
                    self.error(
                        row,
                        "name",
                        _("The name differs from row %(row)s, which has the same ID card number.")
                        % {"row": first[0]},
                    )
                    continue
                key, sex = index, id_sex
            else:
                pk, stored_name, sex, in_targets = resident
                if not in_targets or not _same_name(stored_name, name):
                    self.error(row, "id_number", not_found)
                    continue
                if (pk, day) in stored:
                    self.error(
                        row,
                        "date",
                        _(
                            "A result of this instrument for this person on this day is already stored "
                            "in this campaign."
                        ),
                    )
                    continue
                key = pk
            other = self.seen.get((key, day))
            if other is not None:
                self.error(row, "date", _("Row %(row)s has the same person and day.") % {"row": other})
                continue
            self.seen[(key, day)] = row
            sex = sex if sex in ("M", "F") else None
            scored = self.score(row, answers, sex)
            if scored is None or self.error_total:
                continue  # checking goes on, to report every problem; nothing will be stored
            self.good.append((row, key, day, *scored))

    def score(self, row: int, answers: list, sex: str | None) -> tuple | None:
        """(answers JSON, sex used, valid, total, band, flags, subscales, severe), or None after
        reporting answers the engine refuses. Scoring is a pure function of the answers and sex,
        and answer patterns repeat a lot in a screening, so results are remembered."""
        memo_key = (tuple(answers), sex)
        scored = self.scores.get(memo_key)
        if scored is not None:
            return scored
        try:
            result = score(self.instrument, answers, sex)
        except AnswerError as exc:
            item, reason = answer_error(exc)
            self.error(row, f"item_{item or 1}", reason)
            return None
        scored = (
            json.dumps(answers, ensure_ascii=False),
            sex or "",
            result.valid,
            result.total,
            result.band or "",
            tuple(result.flags) if result.flags else _EMPTY,
            tuple(sorted(result.subscales.items())) if result.subscales else _EMPTY,
            result.severe,
        )
        if len(self.scores) >= SCORE_CACHE_LIMIT:
            self.scores.clear()
        self.scores[memo_key] = scored
        return scored

    def check(self, rows: Iterator, estimate: int) -> None:
        try:
            self._check(rows, estimate)
        finally:
            rows.close()  # the reader lets go of the file now, not whenever it is collected

    def _check(self, rows: Iterator, estimate: int) -> None:
        header = None
        for number, cells in enumerate(rows, start=1):
            if header is None:
                header = cells
                if not self.read_header(cells):
                    raise ImportRejected(self.errors, self.error_total)
                continue
            if all(_blank(value) for value in cells):
                continue
            self.rows_seen += 1
            if self.rows_seen > MAX_ROWS:
                raise _file_error(
                    _("The file has more than %(max)s rows: split it into smaller files.") % {"max": MAX_ROWS}
                )
            self.read_row(number, cells)
            if self.rows_seen % PROGRESS_EVERY == 0:
                self.progress(ImportJob.Stage.CHECKING, self.rows_seen, max(estimate, self.rows_seen))
        if header is None:
            raise _file_error(_("The file is empty."))
        self.flush()
        if not self.rows_seen and not self.error_total:
            raise _file_error(_("The file has no rows below the column names."))
        if self.error_total:
            raise ImportRejected(self.errors, self.error_total)

    def store(self) -> ImportSummary:
        total = len(self.good)
        self.progress(ImportJob.Stage.SAVING, 0, total)
        actor_id = self.actor.pk if getattr(self.actor, "is_authenticated", False) else None
        now = timezone.now()
        responses = _Inserter(
            CampaignResponse,
            # Paper sittings: consent was taken on paper as the campaign describes
            # (guardian_consent_method), not through the self-test's texts; every row names a person.
            constants={
                "campaign": self.campaign.pk,
                "created_at": now,
                "consent_versions": {},
                "consent_given_at": None,
                "identified": True,
            },
            per_row=("resident", "idempotency_key"),
        )
        assessments = _Inserter(
            Assessment,
            constants={
                "campaign": self.campaign.pk,
                "instrument_code": self.instrument.code,
                "instrument_version": self.instrument.version,
                "context": Assessment.Context.IMPORT.value,
                "administered_by": actor_id,
                "supersedes": None,
                "correction_reason": "",
                "created_at": now,
            },
            per_row=(
                "resident",
                "response",
                "answers",
                "sex_used",
                "valid",
                "total",
                "band",
                "flags",
                "subscales",
                "severe",
                "administered_at",
            ),
        )
        seal = Assessment._meta.get_field("answers").get_db_prep_save
        rule_set = [
            rule
            for rule in rules.active_rules(RiskSignal.Source.ASSESSMENT)
            if rule.condition.get("instrument") in (None, self.instrument.code)
        ]
        with transaction.atomic():
            created = self.register_new()
            touched: set[int] = set()
            stored = signals = 0
            for start in range(0, total, STORE_BATCH):
                batch = self.good[start : start + STORE_BATCH]
                resident_ids = [created[key] if isinstance(key, str) else key for _row, key, *_rest in batch]
                touched.update(resident_ids)
                keys = [f"import:{self.import_id}:{row[0]}" for row in batch]
                responses.insert(zip(resident_ids, keys, strict=True))
                response_ids = _ids_by_key(keys)
                assessments.insert(
                    (
                        resident_id,
                        response_id,
                        seal(answers, connection),  # encrypted, as save() encrypts it
                        sex,
                        valid,
                        None if score_total is None else float(score_total),
                        band,
                        assessments.prepared("flags", flags, list),
                        assessments.prepared("subscales", subscales, dict),
                        severe,
                        assessments.prepared("administered_at", day, _start_of_day),
                    )
                    for (
                        _row,
                        _key,
                        day,
                        answers,
                        sex,
                        valid,
                        score_total,
                        band,
                        flags,
                        subscales,
                        severe,
                    ), resident_id, response_id in zip(batch, resident_ids, response_ids, strict=True)
                )
                signals += self.raise_signals(batch, resident_ids, response_ids, rule_set)
                stored += len(batch)
                self.progress(ImportJob.Stage.SAVING, stored, total)
            ordered = sorted(touched)
            for start in range(0, len(ordered), 500):
                Archive.objects.filter(resident_id__in=ordered[start : start + 500]).update(
                    last_activity_at=now
                )
            audit_record(
                actor=self.actor,
                action="import.completed",
                obj=self.campaign,
                details={
                    "import": self.import_id,
                    "instrument": self.instrument.code,
                    "rows": stored,
                    "signals": signals,
                    "residents_created": len(created),
                },
            )
        return ImportSummary(rows_stored=stored, signals_raised=signals, residents_created=len(created))

    def raise_signals(self, batch, resident_ids, response_ids, rule_set) -> int:
        """A risk signal for each severe band, critical flag or result a warning rule matches, as
        ``crisis.services.intake.signal_for_result`` raises it; the signals are written in bulk,
        then each one goes through the warning rules, person by person (``alerts_from_signals``)."""
        matched: dict[tuple, bool] = {}

        def rule_matches(row) -> bool:
            key = (row[3], row[7], row[8], row[10])  # answers, band, flags, severe
            if key not in matched:
                facts = rules.SignalFacts(
                    source=RiskSignal.Source.ASSESSMENT,
                    instrument=self.instrument.code,
                    band=row[7],
                    flags=frozenset(row[8]),
                    severe=bool(row[10]),
                    answers=rules.parse_answers(row[3]),
                )
                matched[key] = rules.best_rule(facts, rule_set) is not None
            return matched[key]

        wanted = {
            response_id: (resident_id, row[8], row[7])  # flags, band
            for row, resident_id, response_id in zip(batch, resident_ids, response_ids, strict=True)
            if row[10] or row[8] or (rule_set and rule_matches(row))  # severe, flags, a rule
        }
        if not wanted:
            return 0
        assessment_ids = {}
        ordered = sorted(wanted)
        for start in range(0, len(ordered), 500):
            assessment_ids.update(
                Assessment.objects.filter(response_id__in=ordered[start : start + 500]).values_list(
                    "response_id", "pk"
                )
            )
        signals = RiskSignal.objects.bulk_create(
            [
                RiskSignal(
                    resident_id=resident_id,
                    source=RiskSignal.Source.ASSESSMENT,
                    assessment_id=assessment_ids[response_id],
                    flags=list(flags),
                    band=band,
                )
                for response_id, (resident_id, flags, band) in wanted.items()
            ]
        )
        alerts_from_signals(signals, rule_set=rule_set)
        return len(wanted)

    def register_new(self) -> dict[str, int]:
        """Register the people not yet on file (their own audit entries say so), in the campaign's
        first target unit."""
        created: dict[str, int] = {}
        if not self.new_residents:
            return created
        unit = self.campaign.target_units.order_by("path").first()
        for index, (row, name, number) in self.new_residents.items():
            try:
                resident = resident_register(actor=self.actor, name=name, org_unit=unit, id_number=number)
            except (ValidationError, DuplicateResident, PermissionDenied) as exc:
                reason = (
                    " ".join(exc.messages)
                    if isinstance(exc, ValidationError)
                    else _("This person could not be registered.")
                )
                raise ImportRejected(
                    [RowError(row, self.labels.get("id_number", "id_number"), reason)]
                ) from exc
            created[index] = resident.pk
        return created


def _start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _ids_by_key(keys: list[str]) -> list[int]:
    ids: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        ids.update(
            CampaignResponse.objects.filter(idempotency_key__in=keys[start : start + 500]).values_list(
                "idempotency_key", "pk"
            )
        )
    return [ids[key] for key in keys]


class _Inserter:
    """Inserts rows of a model with one ``executemany`` a batch.

    ``bulk_create`` builds one SQL string a batch by passing every value of every row through the
    field API; at 100 000 rows that was three quarters of the import's time. Here the values that
    are the same for every row go through their field once, values that repeat (a day, a set of
    flags) once each through ``prepared``, and the caller passes the others ready for the database
    (the encrypted answers through their field, for each row). Every concrete field of the model
    must be named, in ``constants`` or ``per_row``: a field added later stops the import, and its
    tests, instead of being left out silently. Inserts only, like ``bulk_create``: the append-only
    guard of ``Assessment.save`` is about changes.
    """

    def __init__(self, model, *, constants: dict, per_row: tuple[str, ...]):
        meta = model._meta
        names = [field.name for field in meta.concrete_fields if not field.primary_key]
        missing = set(names) - set(constants) - set(per_row)
        if missing:
            raise AssertionError(f"no value for {model.__name__} fields {sorted(missing)}")
        self.model = model
        self.template = [self.prepare(name, constants[name]) if name in constants else None for name in names]
        self.positions = [names.index(name) for name in per_row]
        self.cache: dict[tuple, object] = {}
        quote = connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(name).column) for name in names)
        marks = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 - names from the model

    def prepare(self, name: str, value):
        return self.model._meta.get_field(name).get_db_prep_save(value, connection)

    def prepared(self, name: str, key, make: Callable):
        """The database value of ``make(key)`` for field ``name``, prepared once per key."""
        value = self.cache.get((name, key))
        if value is None:
            value = self.cache[(name, key)] = self.prepare(name, make(key))
        return value

    def insert(self, rows: Iterable[Iterable]) -> None:
        positions, template = self.positions, self.template
        prepared = []
        for row in rows:
            values = list(template)
            for position, value in zip(positions, row, strict=True):
                values[position] = value
            prepared.append(values)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, prepared)


def _check_access(actor, campaign: Campaign) -> None:
    if not policy.has_permission(actor, MANAGE_CAMPAIGNS):
        raise PermissionDenied
    if not policy.filter_campaigns(actor, Campaign.objects.filter(pk=campaign.pk)).exists():
        raise PermissionDenied


def import_problem(campaign: Campaign, instrument_code: str | None = None) -> str:
    """Why results (of this instrument) cannot be imported into this campaign ('' when they can)."""
    if campaign.identification != Campaign.Identification.ID_NUMBER:
        return _("This campaign is anonymous: results cannot be imported with names and ID card numbers.")
    if instrument_code is not None and instrument_code not in import_instruments(campaign):
        return _("Choose an instrument of this campaign's battery.")
    return ""


def import_validate_and_store(
    *,
    actor,
    campaign: Campaign,
    instrument_code: str,
    file,
    file_format: str,
    progress: Progress | None = None,
    import_id: str | None = None,
) -> ImportSummary:
    """Check every row of ``file`` (a seekable binary file), then store all of them or none.

    Raises ImportRejected with the problems found (row as the spreadsheet shows it, column,
    reason), or PermissionDenied when the actor may not manage this campaign.
    """
    _check_access(actor, campaign)
    problem = import_problem(campaign, instrument_code)
    if problem:
        raise _file_error(problem)
    if file_format not in FORMATS:
        raise _file_error(_("Upload a CSV or XLSX file."))
    run = _Import(
        actor=actor,
        campaign=campaign,
        instrument=get_instrument(instrument_code),
        import_id=import_id or uuid.uuid4().hex,
        progress=progress,
    )
    rows, estimate = (_csv_rows if file_format == "csv" else _xlsx_rows)(file)
    run.check(rows, estimate)
    return run.store()


# ---------------------------------------------------------------------------------------------
# Background jobs

PAYLOAD_CHUNK = 1024 * 1024


def _seal(file) -> bytes:
    """The uploaded bytes as Fernet tokens, one per line (1 MB each): encrypted at rest like any
    personal data, and decrypted chunk by chunk."""
    fernet = _fernet()
    read = (
        file.chunks(PAYLOAD_CHUNK) if hasattr(file, "chunks") else iter(lambda: file.read(PAYLOAD_CHUNK), b"")
    )
    return b"\n".join(fernet.encrypt(chunk) for chunk in read)


def _unseal(payload: bytes):
    """A temporary file with the uploaded bytes (deleted when closed)."""
    fernet = _fernet()
    out = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it (a with block)
    view = memoryview(payload)
    start = 0
    while start < len(payload):
        end = payload.find(b"\n", start)
        end = len(payload) if end < 0 else end
        out.write(fernet.decrypt(bytes(view[start:end])))
        start = end + 1
    out.seek(0)
    return out


@transaction.atomic
def import_job_create(*, actor, campaign: Campaign, instrument_code: str, file, file_name: str) -> ImportJob:
    """Queue an import: the file is kept encrypted until the job has run."""
    _check_access(actor, campaign)
    problem = import_problem(campaign, instrument_code)
    if problem:
        raise ValidationError({"instrument": problem})
    file_format = format_of(file_name)
    if file_format is None:
        raise ValidationError({"file": _("Upload a CSV or XLSX file.")})
    job = ImportJob.objects.create(
        campaign=campaign,
        instrument_code=instrument_code,
        file_name=file_name[-255:],
        file_format=file_format,
        payload=_seal(file),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=actor,
    )
    from .tasks import run_import

    transaction.on_commit(lambda: run_import(job.pk))
    return job


def import_job_run(job_id: int) -> None:
    """Run a queued job once (a second worker, or a retry, finds it claimed and does nothing)."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, stage=ImportJob.Stage.CHECKING
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("campaign", "created_by").defer("payload").get(pk=job_id)
    jobs = ImportJob.objects.filter(pk=job_id)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == ImportJob.Stage.CHECKING:
            jobs.update(rows_done=done, rows_total=total)
        elif done == 0:  # saving happens in one transaction: later updates show only at its end
            jobs.update(stage=stage, rows_done=0, rows_total=total)

    finished = {"payload": b"", "finished_at": None}
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            payload = jobs.values_list("payload", flat=True).get()
            with _unseal(bytes(payload)) as file:
                del payload
                summary = import_validate_and_store(
                    actor=job.created_by,
                    campaign=job.campaign,
                    instrument_code=job.instrument_code,
                    file=file,
                    file_format=job.file_format,
                    progress=progress,
                    import_id=str(job.pk),
                )
        except ImportRejected as rejected:
            finished.update(
                status=ImportJob.Status.REJECTED,
                errors=[error.as_list() for error in rejected.errors],
                error_count=rejected.total,
            )
        except Exception:
            log.exception("import job %s failed", job_id)
            finished.update(
                status=ImportJob.Status.FAILED,
                errors=[[0, "", _("The import failed unexpectedly; nothing was stored. Try again later.")]],
                error_count=1,
            )
        else:
            finished.update(
                status=ImportJob.Status.DONE,
                stage="",
                rows_done=summary.rows_stored,
                rows_total=summary.rows_stored,
                rows_stored=summary.rows_stored,
                signals_raised=summary.signals_raised,
                residents_created=summary.residents_created,
            )
    finished["finished_at"] = timezone.now()
    jobs.update(**finished)
