"""SCR-2: bulk entry of paper results into a campaign — templates, all-or-nothing imports with a
report by row and column, background jobs with progress, and who may do it."""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from archives.models import Resident
from archives.services import resident_register
from assessments.models import Assessment, CampaignResponse, ImportJob
from confidentiality.models import AuditEntry
from conftest import login_fully
from crisis.models import RiskSignal
from lib.identity import prc_id_check_character
from screening import imports
from screening.imports import ImportRejected, import_template, import_validate_and_store
from screening.services import campaign_coverage, campaign_create, campaign_set_status

pytestmark = pytest.mark.django_db

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静"]
HEADER = ["name", "id_number", "date", *[f"item_{n}" for n in range(1, 10)]]


def id_number(n: int, birth: str = "19850315") -> str:
    first17 = f"330106{birth}{n:03d}"
    return first17 + prc_id_check_character(first17)


@pytest.fixture
def campaign(people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="柳岸社区抑郁筛查",
        instruments=["phq9"],
        target_units=[tree.willow],
        target_tags=[],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=14),
        identification="id_number",
    )
    return campaign_set_status(actor=people.director, campaign=campaign, status="running")


@pytest.fixture
def residents(people, tree):
    return [
        resident_register(actor=people.counsellor, name=name, org_unit=tree.willow, id_number=id_number(n))
        for n, name in enumerate(NAMES, start=1)
    ]


def good_rows() -> list[list]:
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    answers = [
        [0, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 1, 0, 1, 0, 0, 1, 0, 0],
        [2, 2, 1, 1, 1, 1, 1, 1, 1],  # thoughts of self-harm: a critical flag
        [3, 3, 3, 3, 3, 3, 2, 2, 0],  # 22: severe band
        [1, 0, "", 0, 0, 0, 0, 0, 0],  # one unanswered item
    ]
    return [[name, id_number(n), day, *a] for n, (name, a) in enumerate(zip(NAMES, answers, strict=True), 1)]


def as_csv(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def as_xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(actor, campaign, content: bytes, file_format: str, code: str = "phq9"):
    return import_validate_and_store(
        actor=actor,
        campaign=campaign,
        instrument_code=code,
        file=io.BytesIO(content),
        file_format=file_format,
    )


def errors_of(excinfo) -> set[tuple[int, str]]:
    return {(error.row, error.column) for error in excinfo.value.errors}


# ---------------------------------------------------------------------------------------------
# The import service


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_good_rows_import_with_signals_coverage_and_one_audit_entry(people, campaign, residents, file_format):
    content = (as_csv if file_format == "csv" else as_xlsx)(good_rows())
    summary = run(people.director, campaign, content, file_format)
    assert (summary.rows_stored, summary.signals_raised, summary.residents_created) == (5, 2, 0)
    stored = Assessment.objects.filter(campaign=campaign).order_by("resident__pk")
    assert [a.context for a in stored] == ["import"] * 5
    assert [a.resident for a in stored] == residents
    assert all(a.response is not None and a.administered_by == people.director for a in stored)
    first, _, flagged, severe, unanswered = stored
    assert json.loads(first.answers) == [0] * 9 and first.band == "minimal"
    assert flagged.flags == ["suicidal_ideation"] and flagged.total == 11
    assert severe.severe and severe.band == "severe"
    assert json.loads(unanswered.answers)[2] is None
    assert timezone.localtime(unanswered.administered_at).date() == timezone.localdate() - timedelta(days=3)
    assert set(RiskSignal.objects.values_list("assessment_id", flat=True)) == {flagged.pk, severe.pk}
    assert CampaignResponse.objects.filter(campaign=campaign).count() == 5
    assert campaign_coverage(campaign)[0]["done"] == 5
    audit = AuditEntry.objects.filter(action="import.completed")
    assert audit.count() == 1 and audit.get().details["rows"] == 5
    with connection.cursor() as cursor:  # encrypted at rest, as when stored one by one
        cursor.execute("SELECT answers FROM assessments_assessment")
        assert all(value.startswith("gAAAA") for (value,) in cursor.fetchall())


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [(4, "id_number", id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")), (4, "item_3", 7)],
    ids=["bad-check-digit", "value-7"],
)
def test_one_bad_row_refuses_the_whole_xlsx(people, campaign, residents, row, column, value):
    rows = good_rows()
    rows[row - 2][HEADER.index(column)] = value  # spreadsheet row 4 is the third data row
    with pytest.raises(ImportRejected) as excinfo:
        run(people.director, campaign, as_xlsx(rows), "xlsx")
    assert errors_of(excinfo) == {(row, column)}
    assert Assessment.objects.count() == CampaignResponse.objects.count() == RiskSignal.objects.count() == 0
    assert not AuditEntry.objects.filter(action="import.completed").exists()


def test_every_problem_is_reported_by_row_and_column(people, campaign, residents):
    rows = good_rows()
    rows[0][0] = "别人"  # name does not match
    rows[1][2] = (timezone.localdate() + timedelta(days=1)).isoformat()  # future
    rows[2][2] = "2024-13-40"
    rows[3][5] = "x"
    rows[4][1] = 3.30106198503e17  # Excel turned the number into a float
    with pytest.raises(ImportRejected) as excinfo:
        run(people.director, campaign, as_xlsx(rows), "xlsx")
    assert errors_of(excinfo) == {(2, "id_number"), (3, "date"), (4, "date"), (5, "item_3"), (6, "id_number")}
    assert all(error.reason for error in excinfo.value.errors)


def test_a_thousand_rows_import(people, campaign, tree):
    for n in range(100):  # fixture setup: 100 people, 10 sittings each on different days
        resident_register(
            actor=people.counsellor, name=f"居民{n}", org_unit=tree.willow, id_number=id_number(n)
        )
    today = timezone.localdate()
    rows = [
        [
            f"居民{n}",
            id_number(n),
            (today - timedelta(days=day)).isoformat(),
            *[(n + day + i) % 4 for i in range(9)],
        ]
        for n in range(100)
        for day in range(10)
    ]
    summary = run(people.director, campaign, as_csv(rows), "csv")
    assert summary.rows_stored == Assessment.objects.filter(context="import").count() == 1000
    assert RiskSignal.objects.count() == summary.signals_raised > 0
    assert campaign_coverage(campaign)[0]["done"] == 100


def test_an_unknown_person_is_refused_unless_the_campaign_registers_newcomers(people, campaign, residents):
    day = timezone.localdate().isoformat()
    rows = [
        ["赵敏", id_number(77), day, *[0] * 9],
        ["赵敏", id_number(77), timezone.localdate().isoformat(), *[1] * 9],
    ]
    rows[1][2] = (timezone.localdate() - timedelta(days=1)).isoformat()
    with pytest.raises(ImportRejected) as excinfo:
        run(people.director, campaign, as_csv(rows), "csv")
    assert errors_of(excinfo) == {(2, "id_number"), (3, "id_number")}
    assert not Resident.objects.filter(name="赵敏").exists()

    campaign.allow_new_residents = True
    campaign.save()
    summary = run(people.director, campaign, as_csv(rows), "csv")
    newcomer = Resident.objects.get(name="赵敏")
    assert summary.residents_created == 1 and summary.rows_stored == 2
    assert newcomer.org_unit == campaign.target_units.get() and newcomer.archive.number
    assert newcomer.assessments.count() == 2


def test_a_minor_not_on_file_is_never_registered_by_an_import(people, campaign):
    campaign.allow_new_residents = True
    campaign.save()
    birth = (timezone.localdate() - timedelta(days=365 * 15)).strftime("%Y%m%d")
    rows = [["小红", id_number(5, birth=birth), timezone.localdate().isoformat(), *[0] * 9]]
    with pytest.raises(ImportRejected) as excinfo:
        run(people.director, campaign, as_csv(rows), "csv")
    assert errors_of(excinfo) == {(2, "id_number")}


def test_the_same_file_twice_is_refused_the_second_time(people, campaign, residents):
    run(people.director, campaign, as_csv(good_rows()), "csv")
    with pytest.raises(ImportRejected) as excinfo:
        run(people.director, campaign, as_csv(good_rows()), "csv")
    assert errors_of(excinfo) == {(row, "date") for row in range(2, 7)}
    assert Assessment.objects.count() == 5


def test_a_header_from_another_instrument_is_refused(people, campaign, residents):
    header = HEADER[:3] + [f"item_{n}" for n in range(1, 8)]  # a GAD-7 template
    with pytest.raises(ImportRejected) as excinfo:
        run(people.director, campaign, as_csv([], header=header), "csv")
    assert errors_of(excinfo) == {(1, "item_8"), (1, "item_9")}


def test_a_gbk_csv_with_chinese_column_names_imports(people, campaign, residents):
    header = ["姓名", "身份证号", "施测日期", *[str(n) for n in range(1, 10)]]
    rows = [[*row[:2], row[2].replace("-", "/"), *row[3:]] for row in good_rows()]
    assert (
        run(people.director, campaign, as_csv(rows, header=header, encoding="gb18030"), "csv").rows_stored
        == 5
    )


def test_the_xlsx_template_filled_in_imports(people, campaign, residents):
    workbook = load_workbook(io.BytesIO(import_template(campaign, "phq9", "xlsx")))
    sheet = workbook.worksheets[0]
    for row in good_rows():
        sheet.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert run(people.director, campaign, buffer.getvalue(), "xlsx").rows_stored == 5


def test_an_anonymous_campaign_takes_no_identified_import(people, campaign, residents):
    campaign.identification = "anonymous"
    campaign.save()
    with pytest.raises(ImportRejected):
        run(people.director, campaign, as_csv(good_rows()), "csv")


# ---------------------------------------------------------------------------------------------
# Screens and the background job


def upload(client, campaign, content: bytes, name: str, instrument: str = "phq9"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        reverse("screening:campaign_import", args=[campaign.pk]), {"instrument": instrument, "file": file}
    )


def test_upload_runs_a_job_and_the_job_page_reports_it(
    people, campaign, residents, django_capture_on_commit_callbacks
):
    client = login_fully(Client(), people.director)
    assert client.get(reverse("screening:campaign_import", args=[campaign.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, campaign, as_xlsx(good_rows()), "筛查.xlsx")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("screening:campaign_import_job", args=[campaign.pk, job.pk])
    assert (job.status, job.rows_stored, job.signals_raised, job.payload) == ("done", 5, 2, b"")
    page = client.get(response.url)
    assert page.status_code == 200 and 'data-status="done"' in page.content.decode()
    status = client.get(reverse("screening:campaign_import_status", args=[campaign.pk, job.pk]))
    assert "hx-trigger" not in status.content.decode()
    assert Assessment.objects.filter(context="import").count() == 5


def test_a_refused_upload_shows_the_error_report(
    people, campaign, residents, django_capture_on_commit_callbacks
):
    rows = good_rows()
    rows[1][HEADER.index("item_9")] = 7
    client = login_fully(Client(), people.director)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, campaign, as_csv(rows), "screening.csv")
    job = ImportJob.objects.get()
    assert job.status == "rejected" and job.errors[0][:2] == [3, "item_9"] and job.error_count == 1
    page = client.get(response.url).content.decode()
    assert 'data-row="3" data-column="item_9"' in page
    assert Assessment.objects.count() == 0


def test_the_file_is_kept_encrypted_until_the_job_runs(people, campaign, residents):
    job = imports.import_job_create(
        actor=people.director,
        campaign=campaign,
        instrument_code="phq9",
        file=io.BytesIO(as_csv(good_rows())),
        file_name="a.csv",
    )
    payload = bytes(ImportJob.objects.get(pk=job.pk).payload)
    assert payload and id_number(1).encode() not in payload and "张伟".encode() not in payload
    imports.import_job_run(job.pk)
    imports.import_job_run(job.pk)  # a second run finds the job claimed
    assert Assessment.objects.count() == 5


def test_a_running_job_polls_for_progress(people, campaign):
    job = ImportJob.objects.create(
        campaign=campaign,
        instrument_code="phq9",
        file_name="a.csv",
        file_format="csv",
        status="running",
        stage="checking",
        rows_total=4000,
        rows_done=1000,
        created_by=people.director,
    )
    client = login_fully(Client(), people.director)
    status = client.get(reverse("screening:campaign_import_status", args=[campaign.pk, job.pk]))
    body = status.content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="25"' in body


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.txt", b"name,id_number\n"), ("fake.xlsx", b"name,id_number\n"), ("bin.csv", b"\x00\x01\x02")],
)
def test_only_csv_and_xlsx_files_are_taken(people, campaign, name, content):
    client = login_fully(Client(), people.director)
    response = upload(client, campaign, content, name)
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_files_over_the_limit_are_refused(people, campaign, monkeypatch):
    monkeypatch.setattr("screening.forms.MAX_UPLOAD_BYTES", 10)
    client = login_fully(Client(), people.director)
    response = upload(client, campaign, as_csv(good_rows()), "big.csv")
    assert response.status_code == 200 and "50 MB" in str(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def with_member(workbook: bytes, name: str, size: int) -> bytes:
    """The workbook with one more ZIP member of ``size`` bytes of one letter (compressed ~1000×)."""
    out = io.BytesIO(workbook)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"A" * size)
    return out.getvalue()


@pytest.mark.parametrize("how", ["compressed too well", "unpacks too big"])
def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(people, campaign, residents, how, monkeypatch):
    content = as_xlsx(good_rows())
    if how == "compressed too well":
        content = with_member(content, "xl/sharedStrings.xml", 2 * 1024 * 1024)
    else:
        monkeypatch.setattr(imports, "MAX_XLSX_INFLATED_BYTES", len(content) * 4)
        content = with_member(content, "xl/media/padding.bin", len(content) * 4)
    unpacked = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: unpacked.append(1))
    with pytest.raises(ImportRejected) as excinfo:
        run(people.director, campaign, content, "xlsx")
    assert errors_of(excinfo) == {(0, "")} and "MB" in excinfo.value.errors[0].reason
    assert not unpacked and not Assessment.objects.exists()


def test_a_zip_bomb_upload_gets_the_refusal_on_the_job_page(
    people, campaign, residents, django_capture_on_commit_callbacks
):
    client = login_fully(Client(), people.director)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, campaign, with_member(as_xlsx(good_rows()), "x.xml", 2 * 1024 * 1024), "a.xlsx"
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED and "压缩" in job.errors[0][2]
    assert client.get(response["Location"]).status_code == 200


def test_a_workbook_of_the_most_rows_allowed_stays_within_the_unpacked_limits():
    """1 000 rows, scaled up to MAX_ROWS, unpack to less than half the limit."""
    members = zipfile.ZipFile(io.BytesIO(as_xlsx(good_rows() * 200))).infolist()
    assert sum(m.file_size for m in members) * imports.MAX_ROWS / 1000 < imports.MAX_XLSX_INFLATED_BYTES / 2
    assert max(m.file_size / m.compress_size for m in members) < imports.MAX_XLSX_RATIO / 4


def test_templates_download_with_the_right_headers(people, campaign):
    client = login_fully(Client(), people.director)
    url = reverse("screening:campaign_import_template", args=[campaign.pk])
    response = client.get(url, {"instrument": "phq9", "format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="campaign-{campaign.pk}-phq9.csv"'
    assert response.content.startswith(codecs.BOM_UTF8)
    assert response.content.decode("utf-8-sig").strip() == ",".join(HEADER)
    response = client.get(url, {"instrument": "phq9", "format": "xlsx"})
    assert response["Content-Type"] == imports.CONTENT_TYPES["xlsx"]
    assert response["Content-Disposition"].endswith('phq9.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADER
    assert len(workbook.worksheets) == 2 and workbook.worksheets[1]["A1"].value
    assert client.get(url, {"instrument": "gad7", "format": "csv"}).status_code == 404
    assert client.get(url, {"instrument": "phq9", "format": "pdf"}).status_code == 404


def test_the_screens_are_for_campaign_managers_in_scope(people, campaign):
    job = ImportJob.objects.create(
        campaign=campaign,
        instrument_code="phq9",
        file_name="a.csv",
        file_format="csv",
        created_by=people.director,
    )
    urls = [
        reverse("screening:campaign_import", args=[campaign.pk]),
        reverse("screening:campaign_import_template", args=[campaign.pk]) + "?instrument=phq9&format=csv",
        reverse("screening:campaign_import_job", args=[campaign.pk, job.pk]),
        reverse("screening:campaign_import_status", args=[campaign.pk, job.pk]),
    ]
    for role, status in (("worker", 403), ("outsider", 404)):
        client = login_fully(Client(), getattr(people, role))
        assert [client.get(url).status_code for url in urls] == [status] * 4
        assert upload(client, campaign, as_csv([]), "a.csv").status_code == status
    assert Client().get(urls[0]).status_code == 302  # to the login page
    client = login_fully(Client(), people.director)
    assert client.delete(urls[0]).status_code == 405
    assert [client.post(url).status_code for url in urls[1:]] == [405] * 3


def test_the_campaign_page_links_to_the_bulk_entry(people, campaign):
    client = login_fully(Client(), people.director)
    page = client.get(reverse("screening:campaign", args=[campaign.pk])).content.decode()
    assert reverse("screening:campaign_import", args=[campaign.pk]) in page
