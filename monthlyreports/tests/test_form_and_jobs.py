"""The report form as a versioned data file, and the periodic jobs of the monthly reports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lib.jobs import job_named
from monthlyreports.report_forms import ReportFormError, current_form, parse_report_form, shipped_forms


def test_the_shipped_form_loads_with_its_version_and_fields():
    form = current_form()
    assert (form.code, form.version) == ("psych_monthly", "1")
    assert ("psych_monthly", "1") in shipped_forms()
    assert [f["key"] for f in form.fields] == ["climate", "activities_held", "talks_held", "notes"]


@pytest.mark.parametrize(
    "text",
    [
        "code: x\nversion: 1\ntitle: {zh: x}\nsections: [{key: a, fields: [{key: f, kind: colour}]}]",
        "code: x\nversion: 1\ntitle: {zh: x}\nsections: [{key: a, fields: [{key: f, kind: count}]}]",
        "code: x\nversion: 1\nsections: []",
        "[1, 2]",
        "code: [",
    ],
)
def test_a_form_file_that_is_not_a_form_is_refused(text):
    with pytest.raises(ReportFormError):
        parse_report_form(text)


def test_answers_are_checked_against_the_form():
    form = current_form()
    assert form.clean_answers(
        {"climate": "5", "activities_held": 0, "talks_held": 3, "extra": "x"}, complete=True
    ) == {
        "climate": 5,
        "activities_held": 0,
        "talks_held": 3,
    }
    with pytest.raises(ValidationError) as caught:
        form.clean_answers({"climate": 6, "activities_held": "a", "talks_held": 100}, complete=True)
    assert set(caught.value.message_dict) == {"climate", "activities_held", "talks_held"}
    assert form.clean_answers({}, complete=False) == {}


def test_the_reminder_and_lock_jobs_are_registered():
    assert job_named("monthly_reports.remind").every.total_seconds() == 6 * 3600
    assert job_named("monthly_reports.lock").every.total_seconds() == 6 * 3600


@pytest.mark.django_db
def test_the_jobs_run_on_an_empty_database():
    assert job_named("monthly_reports.remind").run() == "0 monthly-report reminders queued"
    assert job_named("monthly_reports.lock").run() == "0 monthly reports locked"
