"""The shared working-day calendar: the library where it covers the year, the centre's table
where it has the year (replacing the library), weekends only and a banner where neither does."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import login_fully
from core import workdays
from core.models import CalendarDay
from core.services import calendar_days_save

pytestmark = pytest.mark.django_db


def test_the_library_gives_national_day_and_its_make_up_saturday():
    assert workdays.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert not workdays.is_working_day(date(2026, 10, 8 - 1))
    assert workdays.is_working_day(date(2026, 10, 10))


def test_a_year_the_library_lacks_counts_weekends_only_until_the_centre_enters_it(people):
    assert workdays.library_years() >= {2025, 2026}
    assert workdays.years_missing_holidays(date(2026, 12, 7)) == [2027]
    assert workdays.is_working_day(date(2027, 1, 1))  # a Friday, unknown as a holiday
    calendar_days_save(actor=people.admin, first=date(2027, 1, 1), kind="holiday", name="元旦")
    assert not workdays.is_working_day(date(2027, 1, 1))
    assert workdays.years_missing_holidays(date(2026, 12, 7)) == []


def test_the_centres_table_replaces_the_librarys_year(people):
    calendar_days_save(actor=people.admin, first=date(2026, 10, 1), last=date(2026, 10, 3), kind="holiday")
    # The table now holds 2026: its three days only, the library's make-up Saturday no longer.
    assert workdays.is_working_day(date(2026, 10, 5))
    assert not workdays.is_working_day(date(2026, 10, 10))


def test_a_make_up_day_on_a_weekday_and_a_reversed_range_are_refused_and_nothing_written(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        calendar_days_save(actor=people.admin, first=date(2027, 2, 3), kind="make_up")
    assert "星期六或星期日" in str(refused.value)
    with pytest.raises(ValidationError):
        calendar_days_save(actor=people.admin, first=date(2027, 2, 3), last=date(2027, 2, 1), kind="holiday")
    assert not CalendarDay.objects.exists()


def test_the_calendar_page_allowed_forbidden_and_wrong_method(client, people):
    url = reverse("core:calendar")
    login_fully(client, people.counsellor)
    assert client.get(url).status_code == 403
    assert client.post(url, {"first": "2027-01-01", "kind": "holiday"}).status_code == 403
    assert not CalendarDay.objects.exists()
    login_fully(client, people.admin)
    body = client.get(url + "?year=2027").content.decode()
    assert "只把周末当作休息日" in body
    response = client.post(
        url, {"first": "2027-10-01", "last": "2027-10-07", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027).count() == 7
    bad = client.post(url, {"first": "2027-10-06", "kind": "make_up"})
    assert bad.status_code == 400 and "星期六或星期日" in bad.content.decode()
    assert client.put(url).status_code == 405
    day = CalendarDay.objects.get(date=date(2027, 10, 1))
    assert client.post(url, {"delete": day.pk}).status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()


def test_the_administrators_home_asks_for_a_missing_years_holidays(client, people, time_machine):
    time_machine.move_to("2026-12-07 09:00+08:00")
    login_fully(client, people.admin)
    body = client.get(reverse("dashboard:home")).content.decode()
    assert 'id="calendar-missing-banner"' in body and "2027" in body
    login_fully(client, people.counsellor)
    assert 'id="calendar-missing-banner"' not in client.get(reverse("dashboard:home")).content.decode()
