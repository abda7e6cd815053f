"""Security battery: abusive files on the upload forms, against a live server.

    .venv/bin/python bench/security_uploads.py [--bomb-mb N]

Starts a scratch instance (demo data seeded), then, for each file, starts a fresh
``manage.py runserver`` on a loopback port with its task worker (``manage.py run_huey``, which
runs the imports, as in production), logs in as the demo director and uploads the file where
staff upload files:

- the bulk entry of a campaign's results (SCR-2, /screening/campaigns/<id>/import/; the only
  import that registers people: residents not on file are created from the rows),
- the instrument library's upload of a licensed instrument (YAML).

Files: two zip bombs (an .xlsx of about 1 MB whose shared strings, or whose one cell, inflate to
N MB, 1 024 by default), a 50 MB CSV (exactly at the limit, far more rows than allowed) and one
byte over, a PNG and an ELF binary renamed .xlsx, a PNG renamed .csv, a ZIP that is no workbook, a
GBK-encoded CSV (what Excel on a Chinese Windows saves), empty files, and for the instrument upload
a 50 MB file and an empty one.

For each it prints the HTTP status of the upload (and of the job page it leads to, once the
worker has run the job), the messages the page shows (they must be in Chinese), and the peak
resident memory (VmHWM) of the server process and of the worker process, before and after: no
500, and memory bounded (the script fails when either peak grows by more than 300 MB).
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from security_support import (
    has_chinese,
    live_server,
    login_cookies,
    page_messages,
    peak_rss_mb,
    scratch_instance,
)

MEMORY_BUDGET_MB = 300
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


def workbook(columns: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb(path: Path, columns: list[str], *, inflated_mb: int, where: str) -> None:
    """A real workbook (the template's header and one row) with a third row whose one cell holds
    ``inflated_mb`` MB of one repeated letter: as a shared string ("strings": the whole table of
    shared strings is read when the workbook opens) or inline in the sheet ("cell"). About 1 MB
    on disk per GB; written entry by entry, streamed, so building it takes no memory either."""
    source = zipfile.ZipFile(io.BytesIO(workbook(columns, [["张三", "x", "2026-12-01"]])))
    chunk = b"A" * (1024 * 1024)
    main_ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    kind = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

    def bomb(entry, before: bytes, after: bytes) -> None:
        entry.write(before)
        for _ in range(inflated_mb):
            entry.write(chunk)
        entry.write(after)

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>")
                with out.open(info.filename, "w", force_zip64=True) as entry:
                    if where == "cell":
                        bomb(
                            entry,
                            head + b'<row r="3"><c r="A3" t="inlineStr"><is><t>',
                            b"</t></is></c></row>",
                        )
                    else:
                        entry.write(head + b'<row r="3"><c r="A3" t="s"><v>0</v></c></row>')
                    entry.write(b"</sheetData>" + tail)
                continue
            if where == "strings" and info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + kind + b'"/></Types>',
                )
            if where == "strings" and info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdBomb" Type="'
                    + rel
                    + b'" Target="sharedStrings.xml"/></Relationships>',
                )
            out.writestr(info, data)
        if where == "strings":
            with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as entry:
                bomb(entry, b'<?xml version="1.0"?><sst xmlns="' + main_ns + b'"><si><t>', b"</t></si></sst>")


def big_csv(path: Path, header: str, size: int) -> None:
    """A CSV of exactly ``size`` bytes: the header, then the same row again and again."""
    row = "张三,110101199003071234,2026-12-01," + ",".join("0" * 1 for _ in header.split(",")[3:]) + "\r\n"
    with path.open("wb") as out:
        out.write(header.encode())
        line = row.encode()
        written = len(header.encode())
        block = line * 10000
        while written + len(block) <= size:
            out.write(block)
            written += len(block)
        while written + len(line) <= size:
            out.write(line)
            written += len(line)
        out.write(b"0" * (size - written))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-mb", type=int, default=1024, help="what each zip bomb inflates to (1024 MB)")
    args = parser.parse_args()
    started = time.perf_counter()
    var_dir = scratch_instance(residents=40)
    print(f"scratch instance seeded in {time.perf_counter() - started:.1f} s ({var_dir})")

    import requests

    from archives.models import Resident
    from assessments.models import Campaign
    from screening.imports import import_template

    campaign = Campaign.objects.get(status="running")
    code = campaign.instruments[0]
    header = import_template(campaign, code, "csv").decode("utf-8-sig")
    columns = header.strip().split(",")
    pupil = Resident.objects.filter(org_unit__path__startswith=campaign.target_units.first().path).exclude(
        id_number_index=""
    )[0]
    files = var_dir / "files"
    files.mkdir()

    def write(name: str, data: bytes) -> Path:
        path = files / name
        path.write_bytes(data)
        return path

    answers = ["1"] * (len(columns) - 3)
    gbk_rows = [",".join(columns), ",".join([pupil.name, pupil.id_number, "2026-12-01", *answers])]
    from lib.identity import prc_id_check_character

    unknown = "11010119900307123" + prc_id_check_character("11010119900307123")
    gbk_rows.append(",".join(["查无此人", unknown, "2026-12-01", *answers]))
    cases = []
    bomb = files / "bomb-strings.xlsx"
    zip_bomb(bomb, columns, inflated_mb=args.bomb_mb, where="strings")
    cases.append(("import", f"zip bomb: shared strings → {args.bomb_mb} MB", bomb))
    bomb = files / "bomb-cell.xlsx"
    zip_bomb(bomb, columns, inflated_mb=args.bomb_mb, where="cell")
    cases.append(("import", f"zip bomb: one cell → {args.bomb_mb} MB", bomb))
    big = files / "fifty.csv"
    big_csv(big, header, 50 * 1024 * 1024)
    cases.append(("import", "CSV of 50 MB (at the limit, ~1.2 M rows)", big))
    over = files / "over.csv"
    shutil.copyfile(big, over)
    with over.open("ab") as out:
        out.write(b"0")
    cases.append(("import", "CSV of 50 MB + 1 byte", over))
    cases.append(("import", "PNG renamed .xlsx", write("picture.xlsx", PNG)))
    cases.append(
        ("import", "ELF binary renamed .xlsx", write("program.xlsx", Path(sys.executable).read_bytes()))
    )
    cases.append(("import", "PNG renamed .csv", write("picture.csv", PNG)))
    not_a_book = io.BytesIO()
    with zipfile.ZipFile(not_a_book, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    cases.append(
        ("import", "ZIP that is no workbook, named .xlsx", write("archive.xlsx", not_a_book.getvalue()))
    )
    cases.append(
        (
            "import",
            "GBK CSV (1 known pupil, 1 unknown)",
            write("gbk.csv", "\r\n".join(gbk_rows).encode("gbk")),
        )
    )
    cases.append(("import", "empty .csv", write("empty.csv", b"")))
    cases.append(("import", "empty .xlsx", write("empty.xlsx", b"")))
    instrument = files / "instrument.yaml"
    with instrument.open("wb") as out:
        out.write(b"code: big\n")
        for _ in range(50):
            out.write(b"# " + b"x" * (1024 * 1024 - 3) + b"\n")
    cases.append(("instrument", "YAML of 50 MB", instrument))
    cases.append(("instrument", "empty YAML", write("empty.yaml", b"")))

    from django.urls import reverse

    import_url = reverse("screening:campaign_import", args=[campaign.pk])
    library_url = reverse("assessments:library")
    results = []
    for target, label, path in cases:
        with live_server(worker=True) as base:
            session = requests.Session()
            session.cookies.update(login_cookies("director"))
            url = import_url if target == "import" else library_url
            form = session.get(base + url, timeout=60)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
            time.sleep(1)  # the worker has started and opened its queue
            before = (peak_rss_mb(base), peak_rss_mb(base + "#worker"))
            data = {"csrfmiddlewaretoken": token}
            if target == "import":
                data["instrument"] = code
            t0 = time.perf_counter()
            with path.open("rb") as upload:
                answer = session.post(
                    base + url,
                    data=data,
                    files={"file": (path.name, upload)},
                    headers={"Referer": base + url},
                    timeout=600,
                    allow_redirects=False,
                )
            statuses = [answer.status_code]
            page = answer
            if answer.status_code == 302:
                # The job page, until the worker has run the job (its status block says so).
                for _ in range(600):
                    page = session.get(base + answer.headers["Location"], timeout=60)
                    if page.status_code != 200 or not re.search(r'data-status="(queued|running)"', page.text):
                        break
                    time.sleep(0.5)
                statuses.append(page.status_code)
            seconds = time.perf_counter() - t0
            after = (peak_rss_mb(base), peak_rss_mb(base + "#worker"))
        messages = page_messages(page.text) if page.status_code < 500 else [page.text[:200]]
        results.append((label, path.stat().st_size, statuses, messages, before, after, seconds))

    failed = False
    print(f"\n{'file':<42} {'size':>9} {'HTTP':>8}  peak RSS, server | worker (MB) {'time':>6}")
    for label, size, statuses, messages, before, after, seconds in results:
        size_text = f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size} B"
        http = "→".join(map(str, statuses))
        memory = f"{before[0]:>4.0f} → {after[0]:>4.0f} | {before[1]:>4.0f} → {after[1]:>4.0f}"
        print(f"{label:<42} {size_text:>9} {http:>8}  {memory:<28} {seconds:>5.1f}s")
        shown = [m for m in messages if m]
        for message in shown[:3]:
            print(f"    {message[:150]}")
        bad = (
            any(code >= 500 for code in statuses)
            or max(after[0] - before[0], after[1] - before[1]) > MEMORY_BUDGET_MB
            or not shown
            or not any(has_chinese(m) for m in shown)
        )
        if bad:
            print("    ^ FAILS: a 500, no Chinese message, or memory over budget")
            failed = True
    print(
        f"\nuploads: {len(results)}, 5xx: {sum(any(c >= 500 for c in r[2]) for r in results)}, "
        f"largest peak growth: {max(max(r[5][0] - r[4][0], r[5][1] - r[4][1]) for r in results):.0f} MB "
        f"(budget {MEMORY_BUDGET_MB} MB)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
