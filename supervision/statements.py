"""The hour-ledger statement as a spreadsheet (through lib.spreadsheets, the one XLSX writer)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from lib.spreadsheets import append_row, write_rows, xlsx_bytes, xlsx_workbook

from .models import SupervisionSession


def ledger_xlsx(ledger: dict) -> bytes:
    workbook = xlsx_workbook()
    sheet = workbook.active
    sheet.title = _("Hours")
    person = ledger["person"]
    append_row(sheet, [_("Hour statement"), person.full_name, ledger["year"]])
    kinds = SupervisionSession.Kind
    append_row(
        sheet,
        [
            _("Month"),
            _("Practice hours"),
            _("Individual supervision hours"),
            _("Group supervision hours"),
            _("Peer supervision hours"),
        ],
    )
    write_rows(
        sheet,
        (
            [row["month"], row["practice"], row[kinds.INDIVIDUAL], row[kinds.GROUP], row[kinds.PEER]]
            for row in ledger["rows"]
        ),
    )
    totals = ledger["totals"]
    append_row(
        sheet,
        [_("Total"), totals["practice"], totals[kinds.INDIVIDUAL], totals[kinds.GROUP], totals[kinds.PEER]],
    )
    sessions = workbook.create_sheet(_("Supervision sessions"))
    append_row(sessions, [_("Date"), _("Kind of supervision"), _("Supervisor"), _("Duration (minutes)")])
    write_rows(
        sessions,
        (
            [s.held_on.isoformat(), str(s.get_kind_display()), s.supervisor_name, s.duration_minutes]
            for s in ledger["sessions"]
        ),
    )
    return xlsx_bytes(workbook)
