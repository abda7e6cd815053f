"""The spreadsheet writer never writes a live formula (issue 18, item 10)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lib.spreadsheets import append_row, csv_bytes, is_formula_like, safe_cell, xlsx_bytes, xlsx_workbook

PAYLOADS = ["=1+1", '=HYPERLINK("http://evil.example","点此")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]
NUMBERS = [-1, -2.5, Decimal("-3.25"), 0, 7]


def read_back(content: bytes):
    return [cell for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_like_text_is_recognised(payload):
    assert is_formula_like(payload)


@pytest.mark.parametrize("value", ["学生0", "<5", "a=1", "", None, *NUMBERS])
def test_plain_text_and_numbers_are_not_formula_like(value):
    assert not is_formula_like(value)
    assert safe_cell(value) == value


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_cell_with_formula_like_text_gets_a_leading_apostrophe(payload):
    assert safe_cell(payload) == "'" + payload


@pytest.mark.parametrize("write_only", [True, False])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_xlsx_cell_with_formula_like_text_is_stored_as_its_text(payload, write_only):
    workbook = xlsx_workbook(write_only=write_only)
    sheet = workbook.create_sheet("data") if write_only else workbook.active
    append_row(sheet, [payload])
    (cell,) = read_back(xlsx_bytes(workbook))
    assert cell.data_type == "s"
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited, too
    # XML reads a carriage return as a line feed: the text is still a line break, never a formula.
    assert cell.value == payload.replace("\r", "\n")


@pytest.mark.parametrize("write_only", [True, False])
def test_numbers_stay_numbers_in_xlsx_negative_ones_too(write_only):
    workbook = xlsx_workbook(write_only=write_only)
    sheet = workbook.create_sheet("data") if write_only else workbook.active
    append_row(sheet, NUMBERS)
    found = read_back(xlsx_bytes(workbook))
    assert [cell.data_type for cell in found] == ["n"] * len(NUMBERS)
    assert [cell.value for cell in found] == [float(n) if isinstance(n, Decimal) else n for n in NUMBERS]


def test_numbers_stay_numbers_in_csv_and_text_keeps_its_apostrophe():
    content = csv_bytes([[*NUMBERS, "=1+1", "学生"]])
    assert content.startswith(b"\xef\xbb\xbf")
    (row,) = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert row == ["-1", "-2.5", "-3.25", "0", "7", "'=1+1", "学生"]


ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "bench", "var", ".git"}
WRITERS = re.compile(r"\bcsv\.(writer|DictWriter)\(|from openpyxl import .*\bWorkbook\b|\bWorkbook\(")


def test_no_module_but_lib_spreadsheets_writes_a_spreadsheet_itself():
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts) or relative.as_posix() == "lib/spreadsheets.py":
            continue
        if WRITERS.search(path.read_text(encoding="utf-8")):
            offenders.append(relative.as_posix())
    assert offenders == []
