"""Security battery: script payloads in every free-text field, every page loaded in Chromium.

    .venv/bin/python bench/security_xss.py [--roles director,counsellor,supervisor,worker] [--pages N]

Starts a scratch instance (demo data seeded) and stores a payload that would run script, such as
``<img src=x onerror=window.__xss="…">``, ``"><script>window.__xss="…"</script>`` or
``'><svg onload=window.__xss="…">``, in every free-text field it reaches through the services:
the same walk as bench/security_canary.py (a resident and everything recorded about them:
names, address, guardian, appointment, case, intake, plans, session notes and their correction,
private note, referral, follow-up, transfer and closing, satisfaction comment, hotline entry,
concern report, risk flag, alert note, crisis case, safety plan, actions, watch review, a staff
member's name), plus a unit, a service site and room, an institution and a campaign (name and
description). The remaining encrypted fields of demo rows get one with the ORM. Each payload
sets ``window.__xss`` to its own short name (f12), so a hit says which field it came from.

Then, for each role, it logs in (a session cookie of the demo account) and walks the staff pages
from the home page: every same-site link, breadth first, at most N pages and a few per URL shape
(ids and page numbers vary, the shape is what is tested). Each HTML page is loaded in headless
Chromium (Debian's, through Playwright), waits for the network to settle (HTMX fragments load),
and reads ``window.__xss``; a dialog opening counts too. PDFs met on the way are read with pypdf:
a payload must appear there as text (escaped), not vanish into markup. XLSX and CSV exports met
on the way (the campaign report, the import templates) are opened with openpyxl and the csv
module: the payload must be there as text, and no cell may be a live formula (one payload in four
starts with ``=``, so an export that let a formula through would show it). The exports that are
made by a form, because each is a disclosure (the payload resident's archive as PDF and JSON,
the payload referral's letter), are posted by each role as the form would; a role that may not
make one is listed with its refusal.

HTMX fragments reached by ``hx-get`` links are crawled as pages of their own, and the pages that
load them are loaded in Chromium until the network is idle, so the fragments run there too.

Prints per role: pages loaded, pages that show a payload (escaped in the HTML), payloads
executed (must be 0), and then every PDF and export: its format, whether the payload is there
as text, and its live formulas (must be 0). Exits 1 on any payload executed or live formula.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from security_canary import Canaries, write_the_rest, write_through_services
from security_support import live_server, login_cookies, scratch_instance

CHROMIUM = "/usr/bin/chromium"
TEMPLATES = (
    '<img src=x onerror=window.__xss="{n}">',
    '"><script>window.__xss="{n}"</script>',
    '\'><svg onload=window.__xss="{n}">',
    # Starts like a formula too: a spreadsheet export must keep it as text (CSV/formula injection).
    '=1+<img src=x onerror=window.__xss="{n}">',
)
# What a payload looks like once Django has escaped it into the page.
ESCAPED = re.compile(r"&lt;(img src=x onerror|script&gt;window|svg onload)")
SKIP = re.compile(r"/(logout|i18n)/|\.(png|svg|js|css|ico)(\?|$)|/static/|/jsi18n/")


class Payloads(Canaries):
    """Each free-text value is a payload naming its field; phones and ID numbers stay valid."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def _payload(self, model: str, field: str) -> str:
        self.count += 1  # a short name (f12): names are limited to 50 characters
        value = TEMPLATES[self.count % len(TEMPLATES)].format(n=f"f{self.count}")
        self.where[value] = (model, field, "service")
        return value

    def plain(self, model: str, field: str) -> str:
        return self._payload(model, field)

    def text(self, model: str, field: str, how: str = "service") -> str:
        value = self._payload(model, field)
        self.where[value] = (model, field, how)
        return value


def write_more(p: Payloads) -> list[str]:
    """The free-text fields that are not the resident's: a unit, a site and room, an institution,
    a campaign."""
    from django.utils import timezone

    from accounts.models import User
    from orgs.models import OrgUnit, Room, UnitKind
    from orgs.services import org_unit_create, room_create, service_site_create
    from screening.services import campaign_create, campaign_set_status
    from workflow.services.referrals import institution_create

    director = User.objects.get(username="director")
    community = OrgUnit.objects.get(name="柳岸社区")
    failed = []

    def step(name, function):
        try:
            return function()
        except Exception as exc:  # reported; the battery goes on with the next step
            failed.append(f"{name}: {type(exc).__name__}: {exc}"[:300])

    unit = step(
        "unit",
        lambda: org_unit_create(
            actor=None, name=p.plain("orgs.OrgUnit", "name"), kind=UnitKind.GRID, parent=community
        ),
    )
    site = step(
        "service site",
        lambda: service_site_create(
            actor=director,
            name=p.plain("orgs.ServiceSite", "name"),
            org_unit=community,
            address=p.plain("orgs.ServiceSite", "address"),
        ),
    )
    if site is not None:
        step(
            "room",
            lambda: room_create(
                actor=director,
                site=site,
                name=p.plain("orgs.Room", "name"),
                kind=Room.Kind.INDIVIDUAL,
                capacity=2,
            ),
        )
    step(
        "institution",
        lambda: institution_create(
            actor=director,
            name=p.plain("workflow.Institution", "name"),
            kind="general",
            department=p.plain("workflow.Institution", "department"),
            contact_person=p.plain("workflow.Institution", "contact_person"),
            phone="0571-8600 1200",
            address=p.plain("workflow.Institution", "address"),
        ),
    )
    today = timezone.localdate()

    def campaign():
        created = campaign_create(
            actor=director,
            name=p.plain("assessments.Campaign", "name"),
            description=p.plain("assessments.Campaign", "description"),
            instruments=["phq9"],
            target_units=[unit or community],
            target_tags=[],
            starts_on=today - timezone.timedelta(days=1),
            ends_on=today + timezone.timedelta(days=14),
            identification="id_number",
        )
        return campaign_set_status(actor=director, campaign=created, status="running")

    step("campaign", campaign)
    return failed


def shape(url: str) -> str:
    """The URL with its numbers and tokens replaced: pages of one shape are one template."""
    parts = urlsplit(url)
    path = re.sub(r"/[0-9a-f-]{16,}/", "/<token>/", parts.path)
    path = re.sub(r"\d+", "<n>", path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(keys) if keys else "")


def crawl(base: str, cookies: dict, *, limit: int, per_shape: int = 3):
    """Staff pages reachable from the home page by links (GET only): HTML pages and others."""
    import requests

    session = requests.Session()
    session.cookies.update(cookies)
    seen, shapes = set(), Counter()
    queue = deque([base + "/staff/"])
    html, other = [], []
    while queue and len(html) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        if shapes[shape(url)] >= per_shape:
            continue
        shapes[shape(url)] += 1
        response = session.get(url, timeout=60, allow_redirects=False)
        kind = response.headers.get("Content-Type", "")
        if response.status_code != 200:
            continue
        if "text/html" not in kind:
            other.append((url, kind, response.content))
            continue
        html.append((url, response.text))
        for link in re.findall(r'(?:href|hx-get)="([^"#]+)', response.text):
            link = urljoin(url, link.replace("&amp;", "&"))
            if link.startswith(base) and not SKIP.search(link) and link not in seen:
                queue.append(link)
    return html, other


def post_exports(base: str, cookies: dict) -> list[tuple[str, str, bytes]]:
    """The exports made by a form (POST, because each one is a disclosure): the payload
    resident's archive as PDF and JSON, and the payload referral's letter (PDF). A role that may
    not make one gets a refusal, which is listed as such."""
    import requests
    from django.urls import reverse

    from workflow.models import Referral

    referral = Referral.objects.select_related("case__resident").latest("pk")
    resident = referral.case.resident
    session = requests.Session()
    session.cookies.update(cookies)
    made = []

    def form_token(url: str) -> tuple[str, str]:
        page = session.get(url, timeout=60, allow_redirects=False)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        return (token.group(1) if token else ""), page.text

    def post(url: str, form_page: str, data: dict) -> None:
        token, _html = form_token(form_page)
        response = session.post(
            url, data={"csrfmiddlewaretoken": token, **data}, timeout=120, allow_redirects=False
        )
        kind = response.headers.get("Content-Type", "") if response.status_code == 200 else ""
        made.append(
            (
                url + (f" ({data['file_format']})" if "file_format" in data else ""),
                kind or f"refused {response.status_code}",
                response.content,
            )
        )

    export = base + reverse("archives:export", args=[resident.pk])
    _token, html = form_token(export)
    basis = re.search(r'name="basis"[^>]*>\s*<option value="([^"]+)"', html or "")
    for file_format in ("pdf", "json"):
        post(
            export,
            export,
            {
                "file_format": file_format,
                "recipient": "本人",
                "purpose": "安全测试",
                "basis": basis.group(1) if basis else "",
            },
        )
    detail = base + reverse("workflow:referral_detail", args=[referral.pk])
    post(base + reverse("workflow:referral_letter", args=[referral.pk]), detail, {})
    return made


def read_export(kind: str, content: bytes) -> tuple[str, bool, int]:
    """(format, the payload is there as text, live formulas or formula-like CSV fields)."""
    import csv

    if "pdf" in kind:
        from pypdf import PdfReader

        text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
        return "PDF", "window.__xss" in text, 0
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content))
        cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
        as_text = any(isinstance(c.value, str) and "window.__xss" in c.value for c in cells)
        return "XLSX", as_text, sum(1 for c in cells if c.data_type == "f")
    if "csv" in kind:
        text = content.decode("utf-8-sig", errors="replace")
        fields = [field for row in csv.reader(io.StringIO(text)) for field in row]
        return "CSV", "window.__xss" in text, sum(1 for f in fields if f[:1] in ("=", "+", "-", "@"))
    if "json" in kind:
        return "JSON", "window.__xss" in content.decode("utf-8", errors="replace"), 0
    return kind.split(";")[0] or "?", False, 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", default="director,counsellor,supervisor,worker")
    parser.add_argument("--pages", type=int, default=250, help="pages per role at most (250)")
    args = parser.parse_args()
    started = time.perf_counter()
    var_dir = scratch_instance(residents=40)
    print(f"scratch instance seeded in {time.perf_counter() - started:.1f} s ({var_dir})")
    payloads = Payloads()
    failed = write_through_services(payloads) + write_more(payloads)
    write_the_rest(payloads)
    print(f"payloads stored: {len(payloads.where)}")
    for line in failed:
        print("  not stored: " + line)

    import os

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM (login cookies) beside Playwright's loop
    report = {}
    executed: list[tuple[str, str, str]] = []
    unsettled: list[tuple[str, str, str]] = []
    files: list[tuple[str, str, str, bool, int]] = []
    with live_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for role in args.roles.split(","):
            cookies = login_cookies(role)
            html, other = crawl(base, cookies, limit=args.pages)
            context = browser.new_context(locale="zh-CN")
            context.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
            page = context.new_page()
            dialogs = []
            page.on(
                "dialog", lambda dialog, dialogs=dialogs: (dialogs.append(dialog.message), dialog.dismiss())
            )
            showing = 0
            for url, text in html:
                showing += bool(ESCAPED.search(text))
                try:
                    page.goto(url, wait_until="networkidle", timeout=20_000)
                except Exception as exc:  # a page that never settles is reported, not fatal
                    unsettled.append((role, url, str(exc).splitlines()[0][:150]))
                    continue
                fired = page.evaluate("() => window.__xss")
                if fired is not None or dialogs:
                    where = [f"{m}.{f}" for v, (m, f, _h) in payloads.where.items() if f'"{fired}"' in v]
                    executed.append((role, url, f"{fired or dialogs} {where}"))
                    dialogs.clear()
            context.close()
            for url, kind, content in other + post_exports(base, cookies):
                if kind.startswith("refused"):
                    files.append((role, url, kind, False, 0))
                elif not kind.startswith("image/"):
                    files.append((role, url, *read_export(kind, content)))
            loaded = len(html) - sum(1 for r, *_ in unsettled if r == role)
            report[role] = (loaded, showing, sum(1 for r, *_ in executed if r == role), len(other))
        browser.close()

    print(f"\n{'role':<12} {'pages loaded':>12} {'showing a payload':>18} {'executed':>9} {'non-HTML':>9}")
    for role, (loaded, showing, fired, others) in report.items():
        print(f"{role:<12} {loaded:>12} {showing:>18} {fired:>9} {others:>9}")
    for role, url, what in executed:
        print(f"  EXECUTED ({role}) {url}: {what}")
    for role, url, what in unsettled:
        print(f"  not loaded ({role}) {url}: {what}")
    formulas = sum(n for *_rest, n in files)
    if files:
        print("\nPDFs and exports (a payload must be there as text; a formula must not be live):")
        for role, url, kind, as_text, live in files:
            shown = "yes" if as_text else "no"
            where = url.split("/staff/", 1)[-1]
            print(f"  {role:<12} {where:<58} {kind:<12} payload as text: {shown:<3}  live formulas: {live}")
    print(f"\nexecuted: {len(executed)}, live formulas in exports: {formulas}")
    return 1 if executed or formulas else 0


if __name__ == "__main__":
    sys.exit(main())
