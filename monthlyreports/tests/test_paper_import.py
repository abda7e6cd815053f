"""Bulk entry of paper monthly reports (SCR-2's pattern): the template, all or nothing, the
row-by-row report in Chinese, 紧急 rows raising their signals, months off and locked reports
refused with their row number; the page allowed, forbidden and wrong method."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from confidentiality.models import AuditEntry
from conftest import login_fully
from crisis.models import RiskSignal
from monthlyreports import imports, services
from monthlyreports.models import ConcernRow, MonthlyReport, ReportEvent

from .conftest import ANSWERS, SHANGHAI

pytestmark = pytest.mark.django_db

HEADER = [
    "单位编号",
    "组织单位",
    "月份",
    "填报日期",
    "无情况上报",
    "班级（网格）心理氛围",
    "开展心理活动（次）",
    "谈心谈话（人次）",
    "其他情况说明",
    "需关注人员",
    "类别",
    "发现的情况",
    "持续天数",
    "紧急程度",
]


def row(assignment, *, month="2026-11", filled="2026-11-30", zero="", answers=(4, 2, 5, "班会"), concern=()):
    return [assignment.pk, "七年级1班", month, filled, zero, *answers, *(concern or ("", "", "", "", ""))]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for values in rows:
        sheet.append(list(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name="paper.xlsx"):
    return client.post(reverse("monthlyreports:paper_import"), {"file": SimpleUploadedFile(name, content)})


def problems(response):
    """What the page reported, for a failing test's message."""
    context = response.context or {}
    rejected = context.get("rejected")
    return rejected.errors if rejected else context.get("form") and context["form"].errors


URGENT = ("七年级学生，男，住校", "情感", "近一周多次说不想活了", 7, "紧急")
ATTENTION = ("七年级学生，女", "学业", "成绩下滑，上课走神", 14, "需关注")


# ---------------------------------------------------------------------------------------------
# The page and the template


def test_the_template_lists_the_units_the_person_may_enter(client, clock, people, assignment):
    login_fully(client, people.director)
    response = client.get(reverse("monthlyreports:paper_template") + "?period=2026-11")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][:3] == (assignment.pk, "七年级1班", "2026-11")


def test_the_paper_page_shows_the_template_and_the_upload(client, clock, people, assignment):
    login_fully(client, people.director)
    response = client.get(reverse("monthlyreports:paper_import"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "录入纸质月报" in page and 'enctype="multipart/form-data"' in page


def test_the_paper_pages_are_forbidden_to_a_reporter_and_write_nothing(client, clock, people, assignment):
    login_fully(client, people.teacher)
    assert client.get(reverse("monthlyreports:paper_import")).status_code == 403
    assert client.get(reverse("monthlyreports:paper_template")).status_code == 403
    response = upload(client, xlsx([row(assignment)]))
    assert response.status_code == 403
    assert not MonthlyReport.objects.exists()


def test_the_paper_pages_take_only_their_methods(client, clock, people):
    login_fully(client, people.director)
    assert client.put(reverse("monthlyreports:paper_import")).status_code == 405
    assert client.post(reverse("monthlyreports:paper_template")).status_code == 405


# ---------------------------------------------------------------------------------------------
# Entering


def test_a_paper_form_with_an_urgent_row_is_submitted_and_raises_its_signal(
    client, clock, people, assignment
):
    login_fully(client, people.director)
    signals = RiskSignal.objects.count()
    response = upload(
        client,
        xlsx([row(assignment, concern=URGENT), ["", "", "2026-11", "", "", "", "", "", "", *ATTENTION]]),
    )
    assert response.status_code == 302, problems(response)
    report = MonthlyReport.objects.get()
    assert report.state == MonthlyReport.State.SUBMITTED
    assert report.on_time is True and report.submitted_by == people.teacher
    assert report.answers == {"climate": 4, "activities_held": 2, "talks_held": 5, "notes": "班会"}
    rows = list(report.concerns.order_by("pk"))
    assert [r.urgency for r in rows] == [ConcernRow.Urgency.URGENT, ConcernRow.Urgency.ATTENTION]
    # 紧急 as the row is written, 需关注 on the submission: both passed on, as on the page.
    assert all(r.signal_id for r in rows) and RiskSignal.objects.count() == signals + 2
    assert RiskSignal.objects.filter(pk=rows[0].signal_id, urgent=True).exists()
    # The reporter's own rows ("received"); the director recorded as having entered it.
    assert {r.created_by_id for r in rows} == {people.teacher.pk}
    assert ReportEvent.objects.filter(report=report, action="paper", actor=people.director).exists()
    assert AuditEntry.objects.filter(action="monthly_report.paper_imported").exists()


def test_a_zero_paper_form_is_a_submission(client, clock, people, assignment):
    login_fully(client, people.director)
    response = upload(client, xlsx([row(assignment, zero="是", answers=("", "", "", ""))]))
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.is_zero and report.state == MonthlyReport.State.SUBMITTED


def test_a_form_filled_in_after_the_timely_window_is_late(client, people, assignment):
    with time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=SHANGHAI), tick=False):
        login_fully(client, people.director)
        assert upload(client, xlsx([row(assignment, filled="2026-12-08")])).status_code == 302
    assert MonthlyReport.objects.get().on_time is False


def test_the_template_itself_filled_in_is_read(client, clock, people, assignment):
    login_fully(client, people.director)
    content = client.get(reverse("monthlyreports:paper_template") + "?period=2026-11").content
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    for column, value in zip("DEFGHI", ["2026-11-30", "", 3, 1, 0, ""], strict=True):
        sheet[f"{column}2"] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(client, buffer.getvalue()).status_code == 302
    assert MonthlyReport.objects.get().answers["climate"] == 3


# ---------------------------------------------------------------------------------------------
# All or nothing, row by row


def test_a_month_off_is_refused_with_its_row_and_nothing_is_stored(client, clock, people, assignment):
    login_fully(client, people.director)
    signals = RiskSignal.objects.count()
    response = upload(
        client,
        xlsx([row(assignment, concern=URGENT), row(assignment, month="2026-08", filled="2026-08-31")]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '<tr data-row="3">' in page and "2026-08 为不汇报月份，无需填写。" in page
    # The good row (with its urgent person) went back with the rest: no report, no signal.
    assert not MonthlyReport.objects.exists() and not ConcernRow.objects.exists()
    assert RiskSignal.objects.count() == signals


def test_an_approved_report_is_refused_with_its_row(client, clock, people, assignment, homeroom):
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    services.report_save(actor=people.teacher, report=report, answers=ANSWERS)
    services.report_submit(actor=people.teacher, report=report)
    services.report_accept(actor=homeroom, report=report)
    services.report_approve(actor=people.counsellor, report=report)
    login_fully(client, people.director)
    response = upload(client, xlsx([row(assignment)]))
    assert response.status_code == 400
    page = response.content.decode()
    assert '<tr data-row="2">' in page and "已审核锁定，如需修改请先退回" in page
    assert MonthlyReport.objects.count() == 1 and not ConcernRow.objects.exists()


def test_a_locked_month_is_refused_with_its_row(client, clock, people, assignment):
    login_fully(client, people.director)
    response = upload(client, xlsx([row(assignment, month="2026-10", filled="2026-10-30")]))
    assert response.status_code == 400
    assert (
        '<tr data-row="2">' in response.content.decode() and "锁定，不能再修改" in response.content.decode()
    )
    assert not MonthlyReport.objects.exists()


def test_each_bad_cell_is_named_by_row_and_column(client, clock, people, assignment):
    login_fully(client, people.director)
    bad = [
        row(assignment, answers=(9, 2, 5, "")),
        row(assignment, month="2026-13"),
        ["999999", "别的班", "2026-11", "2026-11-30", "", 4, 2, 5, "", "", "", "", "", ""],
        row(assignment, month="2026-09", filled="2027-01-01"),
        ["", "", "2026-09", "", "", "", "", "", "", "某同学", "不知道", "……", "很多", "非常"],
    ]
    response = upload(client, xlsx(bad))
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["rejected"].errors]
    assert (2, "climate") in errors or (2, "班级（网格）心理氛围") in errors
    assert (3, "月份") in errors and (4, "单位编号") in errors
    assert (6, "类别") in errors and (6, "紧急程度") in errors and (6, "持续天数") in errors
    assert not MonthlyReport.objects.exists()


def test_a_unit_out_of_scope_is_refused_and_nothing_written(client, clock, people, tree, assignment):
    login_fully(client, people.outsider)  # a counsellor managing reporting elsewhere
    response = upload(client, xlsx([row(assignment)]))
    assert response.status_code == 400
    assert "没有您可以录入的该编号单位" in response.content.decode()
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.xlsx", b"\x89PNG\r\n\x1a\n", "该文件不是 Excel 工作簿（.xlsx）。"),
        ("paper.csv", b"", "文件是空的。"),
        ("paper.txt", b"a,b", "请上传 .xlsx 或 .csv 格式的模板文件。"),
        ("paper.csv", "姓名,日期\n".encode(), "第一行必须是模板的列名"),
    ],
)
def test_a_file_that_is_no_template_gets_a_clear_message(client, clock, people, name, content, message):
    login_fully(client, people.director)
    response = upload(client, content, name)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_csv_saved_from_the_template_is_read(client, clock, people, assignment):
    login_fully(client, people.director)
    lines = [",".join(HEADER), ",".join(str(v) for v in row(assignment, concern=ATTENTION))]
    response = upload(client, ("\n".join(lines) + "\n").encode("gb18030"), "paper.csv")
    assert response.status_code == 302
    assert MonthlyReport.objects.get().concerns.get().signal_id is not None


def test_the_service_refuses_someone_who_does_not_manage_reporting(clock, people, assignment):
    with pytest.raises(services.PermissionDenied):
        imports.paper_reports_import(actor=people.teacher, data=xlsx([row(assignment)]), file_name="a.xlsx")
    assert not MonthlyReport.objects.exists()
