"""The one writer of the spreadsheets the system hands out (XLSX and CSV): none carries a live formula.

Names typed in by people (a resident, a campaign, an organisation unit) end up in reports and
exports. A name such as ``=HYPERLINK("http://…","点此")`` would otherwise open in Excel as a live
formula (CSV or formula injection). Every XLSX and CSV goes through this module, which stores any
text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as plain text:

- XLSX: the cell is a string cell (never a formula) and carries the "quote prefix" style, so the
  visible text is unchanged and editing the cell in Excel does not turn it into a formula either;
- CSV: the text gets a leading apostrophe (the OWASP advice): a CSV has no cell types, so the
  spreadsheet program would evaluate it otherwise.

Numbers (int, float, Decimal) stay numbers, negative ones too: a number is never a formula.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    """Text that a spreadsheet program would read as a formula (or the start of one)."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(value: Any) -> Any:
    """The value for a CSV cell: formula-like text gets a leading apostrophe; all else unchanged."""
    if is_formula_like(value):
        return "'" + value
    return value


# ---------------------------------------------------------------------------------------------
# XLSX


def xlsx_workbook(*, write_only: bool = False):
    """A new openpyxl workbook; fill its sheets with ``append_row`` / ``write_rows`` only."""
    from openpyxl import Workbook

    return Workbook(write_only=write_only)


def xlsx_cells(sheet, values: Iterable[Any]) -> list:
    """One row of cells for ``sheet``, with formula-like text stored as text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if is_formula_like(value):
            # openpyxl takes any text starting with "=" for a formula; a string cell is shown
            # as it is, and the quote prefix keeps Excel from evaluating it when edited.
            cell.data_type = "s"
            cell.quotePrefix = True
        cells.append(cell)
    return cells


def append_row(sheet, values: Iterable[Any]) -> None:
    """Append one row to an XLSX sheet (normal or write-only) without any live formula."""
    sheet.append(xlsx_cells(sheet, values))


def write_rows(sheet, rows: Iterable[Iterable[Any]]) -> None:
    for row in rows:
        append_row(sheet, row)


def xlsx_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# CSV


class SafeCsvWriter:
    """``csv.writer`` whose rows pass through ``safe_cell`` first."""

    def __init__(self, stream, **options) -> None:
        options.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_bytes(rows: Iterable[Iterable[Any]], *, bom: bool = True) -> bytes:
    """A whole CSV file in UTF-8; with a byte-order mark by default, so that Excel reads Chinese
    text correctly."""
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows(rows)
    return (codecs.BOM_UTF8 if bom else b"") + buffer.getvalue().encode("utf-8")
