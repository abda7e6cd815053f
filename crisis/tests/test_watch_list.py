"""The watch list (CRI-4, 重点关注人群): putting people on it (by a crisis case or by hand),
reviews, removal, the list page, the archive line, the home count and the daily reminders.

张三 lives in 柳岸第1网格 and is the counsellor's client (the counsellor's supervisor is
``supervisor``); 李四 lives in 松林社区 and is the outsider's; 王五 lives in 柳岸社区 and has no
team at all. The colleague works in 柳岸社区: the list shows them 张三's entry (scope) but they do
not see his clinical content.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from conftest import login_fully
from core.jobs import run_due_jobs
from crisis.models import Alert, CrisisCase, WatchListEntry, WatchReview
from crisis.selectors import watch as selectors
from crisis.services.watch import (
    watch_entry_add,
    watch_entry_ensure,
    watch_entry_remove,
    watch_entry_review,
    watch_reviews_remind_due,
)
from crisis.tests.alert_support import client_of, make_alert
from dashboard.navigation import nav_for
from notifications.models import Notification

pytestmark = pytest.mark.django_db

LIST = reverse("crisis:watch_list")
ADD = reverse("crisis:watch_add")
SHANGHAI = ZoneInfo("Asia/Shanghai")
REASON = "割腕后出院，家中仍有药物"
REVIEW_NOTE = "本周电话回访，情绪平稳，药物已由家人保管"


def review_url(entry) -> str:
    return reverse("crisis:watch_review", args=[entry.pk])


def remove_url(entry) -> str:
    return reverse("crisis:watch_remove", args=[entry.pk])


def client_for(user) -> Client:
    # Pages in English, so that the assertions hold before and after the lead's translations.
    return login_fully(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def today() -> dt.date:
    return timezone.localdate()


def watch_writes() -> int:
    return AuditEntry.objects.filter(action__startswith="watch.").count()


def snapshot(entry) -> tuple:
    entry = WatchListEntry.objects.get(pk=entry.pk)
    return (entry.review_on, entry.last_reviewed_at, entry.removed_at, entry.removed_reason, watch_writes())


@pytest.fixture
def folks(people, tree):
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    return type(
        "Folks",
        (),
        {
            "people": people,
            "tree": tree,
            "zhang": client_of(people, tree.grid, "张三", responsible=[people.counsellor]),
            "li": client_of(people, tree.pine, "李四", responsible=[people.outsider]),
            "wang": client_of(people, tree.willow, "王五"),
        },
    )


def entry_for(resident, *, review_on=None, reason=REASON) -> WatchListEntry:
    """An entry as watch_entry_ensure leaves it, then moved to the review date wanted."""
    entry = watch_entry_ensure(resident=resident, reason=reason)
    if review_on is not None:
        WatchListEntry.objects.filter(pk=entry.pk).update(review_on=review_on)
        entry.refresh_from_db()
    return entry


def crisis_case_for(resident, owner, *, status=CrisisCase.Status.OPEN, alert_state=Alert.State.INTERVENING):
    alert = make_alert(
        level="red", org_unit=resident.org_unit, resident=resident, owner=owner, state=alert_state
    )
    return CrisisCase.objects.create(
        alert=alert,
        resident=resident,
        owner=owner,
        status=status,
        opened_at=timezone.now(),
        opened_by=owner,
    )


# ---------------------------------------------------------------------------------------------
# watch_entry_ensure (called when a crisis case opens)


def test_ensure_puts_a_person_on_the_list_for_a_review_in_seven_days(folks):
    entry = watch_entry_ensure(resident=folks.zhang, reason=REASON)

    assert entry.removed_at is None
    assert entry.review_on == today() + timedelta(days=7)
    assert entry.reason == REASON
    audit = AuditEntry.objects.get(action="watch.added", object_id=str(entry.pk))
    assert audit.details["resident"] == folks.zhang.pk
    assert REASON not in str(audit.details) and REASON not in audit.reason


def test_ensure_reads_the_review_interval_from_the_setting(folks, settings):
    settings.XINQIAO_WATCH_REVIEW_DAYS = 3

    assert watch_entry_ensure(resident=folks.zhang, reason=REASON).review_on == today() + timedelta(days=3)


def test_ensure_links_an_existing_entry_keeps_its_start_and_brings_the_review_forward(folks):
    entry = entry_for(folks.zhang, review_on=today() + timedelta(days=30), reason="手工加入")
    started = entry.added_at
    case = crisis_case_for(folks.zhang, folks.people.counsellor)

    again = watch_entry_ensure(
        resident=folks.zhang, crisis_case=case, reason="危机个案开启", actor=folks.people.counsellor
    )

    assert again.pk == entry.pk
    assert WatchListEntry.objects.filter(resident=folks.zhang).count() == 1
    again.refresh_from_db()
    assert again.added_at == started
    assert again.crisis_case == case
    assert again.review_on == today() + timedelta(days=7)
    assert "手工加入" in again.reason and "危机个案开启" in again.reason
    assert AuditEntry.objects.filter(action="watch.refreshed", object_id=str(entry.pk)).exists()


def test_ensure_never_puts_an_earlier_review_further_away(folks):
    entry = entry_for(folks.zhang, review_on=today() + timedelta(days=2))

    assert watch_entry_ensure(resident=folks.zhang, reason=REASON).review_on == entry.review_on


def test_ensure_after_a_removal_starts_a_new_entry(folks):
    entry = entry_for(folks.zhang)
    watch_entry_remove(actor=folks.people.counsellor, entry=entry, reason="稳定三个月")

    new = watch_entry_ensure(resident=folks.zhang, reason=REASON)

    assert new.pk != entry.pk
    assert WatchListEntry.objects.filter(resident=folks.zhang).count() == 2


def test_ensure_needs_a_reason_and_a_crisis_case_of_the_same_person(folks):
    with pytest.raises(ValidationError):
        watch_entry_ensure(resident=folks.zhang, reason="  ")
    other_case = crisis_case_for(folks.li, folks.people.outsider)
    with pytest.raises(ValidationError):
        watch_entry_ensure(resident=folks.zhang, crisis_case=other_case, reason=REASON)
    assert not WatchListEntry.objects.exists()


# ---------------------------------------------------------------------------------------------
# Adding by hand, reviewing, removing (services)


def test_the_responsible_counsellor_adds_a_client_by_hand(folks):
    review_on = today() + timedelta(days=5)

    entry = watch_entry_add(
        actor=folks.people.counsellor, resident=folks.zhang, reason=REASON, review_on=review_on
    )

    assert (entry.review_on, entry.added_by, entry.crisis_case) == (review_on, folks.people.counsellor, None)


@pytest.mark.parametrize("who", ["colleague", "outsider", "worker", "archivist"])
def test_staff_who_do_not_work_with_the_clinical_content_may_not_add(folks, who):
    with pytest.raises(PermissionDenied):
        watch_entry_add(
            actor=getattr(folks.people, who), resident=folks.zhang, reason=REASON, review_on=today()
        )
    assert not WatchListEntry.objects.exists()


def test_adding_needs_a_reason_and_a_date_from_today_within_a_year(folks):
    counsellor = folks.people.counsellor
    with pytest.raises(ValidationError) as error:
        watch_entry_add(
            actor=counsellor, resident=folks.zhang, reason="", review_on=today() - timedelta(days=1)
        )
    assert set(error.value.message_dict) == {"reason", "review_on"}
    with pytest.raises(ValidationError) as error:
        watch_entry_add(
            actor=counsellor, resident=folks.zhang, reason=REASON, review_on=today() + timedelta(days=400)
        )
    assert "review_on" in error.value.message_dict
    assert not WatchListEntry.objects.exists()


def test_a_person_already_on_the_list_is_not_added_twice(folks):
    entry_for(folks.zhang)

    with pytest.raises(ValidationError, match="已在重点关注人群中"):
        watch_entry_add(actor=folks.people.counsellor, resident=folks.zhang, reason=REASON, review_on=today())
    assert WatchListEntry.objects.count() == 1


def test_a_review_keeps_what_it_found_encrypted_and_the_log_keeps_no_clinical_text(folks):
    entry = entry_for(folks.zhang, review_on=today() - timedelta(days=2))
    next_on = today() + timedelta(days=14)

    watch_entry_review(actor=folks.people.counsellor, entry=entry, next_review_on=next_on, note=REVIEW_NOTE)

    entry.refresh_from_db()
    assert entry.review_on == next_on
    assert entry.last_reviewed_at is not None
    review = entry.reviews.get()
    assert (review.note, review.reviewed_by, review.was_due, review.next_review_on) == (
        REVIEW_NOTE,
        folks.people.counsellor,
        today() - timedelta(days=2),
        next_on,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM crisis_watchreview WHERE id = %s", [review.pk])
        assert REVIEW_NOTE not in str(cursor.fetchone()[0])
    audit = AuditEntry.objects.get(action="watch.reviewed")
    assert audit.details["review_on"] == next_on.isoformat() and audit.details["review"] == review.pk
    assert REASON not in str(audit.details) and REVIEW_NOTE not in str(audit.details)


def test_a_review_must_say_what_it_found(folks):
    entry = entry_for(folks.zhang)
    before = snapshot(entry)

    with pytest.raises(ValidationError) as error:
        watch_entry_review(
            actor=folks.people.counsellor, entry=entry, next_review_on=today() + timedelta(days=7), note="  "
        )

    assert "note" in error.value.message_dict
    assert snapshot(entry) == before and not WatchReview.objects.exists()


@pytest.mark.parametrize("days", [0, -1, 400])
def test_the_next_review_must_be_after_today_and_within_a_year(folks, days):
    entry = entry_for(folks.zhang)
    before = snapshot(entry)

    with pytest.raises(ValidationError) as error:
        watch_entry_review(
            actor=folks.people.counsellor,
            entry=entry,
            next_review_on=today() + timedelta(days=days),
            note=REVIEW_NOTE,
        )

    assert "next_review_on" in error.value.message_dict
    assert snapshot(entry) == before


def test_staff_who_do_not_see_the_entry_may_not_review_or_remove_it(folks):
    entry = entry_for(folks.zhang)
    before = snapshot(entry)
    for who in (folks.people.outsider, folks.people.worker):
        with pytest.raises(PermissionDenied):
            watch_entry_review(
                actor=who, entry=entry, next_review_on=today() + timedelta(days=3), note=REVIEW_NOTE
            )
        with pytest.raises(PermissionDenied):
            watch_entry_remove(actor=who, entry=entry, reason="不需要")
    assert snapshot(entry) == before


def test_an_access_grant_shows_the_entry_but_lets_one_neither_review_nor_remove_it(folks):
    from confidentiality.models import AccessGrant

    entry = entry_for(folks.zhang)
    AccessGrant.objects.create(
        archive=folks.zhang.archive,
        requester=folks.people.outsider,
        kind=AccessGrant.Kind.REQUEST,
        reason="会诊",
        status=AccessGrant.Status.APPROVED,
        expires_at=timezone.now() + timedelta(days=1),
    )
    before = snapshot(entry)
    assert entry in selectors.watch_list(user=folks.people.outsider)
    with pytest.raises(PermissionDenied):
        watch_entry_review(
            actor=folks.people.outsider,
            entry=entry,
            next_review_on=today() + timedelta(days=3),
            note=REVIEW_NOTE,
        )
    with pytest.raises(PermissionDenied):
        watch_entry_remove(actor=folks.people.outsider, entry=entry, reason="不需要")
    assert snapshot(entry) == before


def test_removal_is_refused_while_the_person_has_an_open_alert(folks):
    entry = entry_for(folks.zhang)
    make_alert(level="orange", org_unit=folks.tree.grid, resident=folks.zhang, state=Alert.State.ACKNOWLEDGED)
    before = snapshot(entry)

    with pytest.raises(ValidationError, match="未关闭的预警"):
        watch_entry_remove(actor=folks.people.counsellor, entry=entry, reason="稳定")

    assert snapshot(entry) == before


def test_removal_is_refused_while_the_crisis_case_is_not_closed(folks):
    entry = entry_for(folks.zhang)
    crisis_case_for(
        folks.zhang,
        folks.people.counsellor,
        status=CrisisCase.Status.AWAITING_REVIEW,
        alert_state=Alert.State.RESOLVED,
    )

    with pytest.raises(ValidationError, match="危机个案仍未结案"):
        watch_entry_remove(actor=folks.people.counsellor, entry=entry, reason="稳定")
    assert WatchListEntry.objects.get(pk=entry.pk).removed_at is None


def test_removal_after_the_crisis_keeps_the_entry_with_its_reason(folks):
    entry = entry_for(folks.zhang)
    crisis_case_for(
        folks.zhang, folks.people.counsellor, status=CrisisCase.Status.CLOSED, alert_state=Alert.State.CLOSED
    )

    watch_entry_remove(actor=folks.people.counsellor, entry=entry, reason="稳定三个月，复评正常")

    entry.refresh_from_db()
    assert entry.removed_at is not None and entry.removed_reason == "稳定三个月，复评正常"
    audit = AuditEntry.objects.get(action="watch.removed")
    assert "稳定" not in str(audit.details)
    with pytest.raises(ValidationError, match="已不在重点关注人群中"):
        watch_entry_review(
            actor=folks.people.counsellor,
            entry=entry,
            next_review_on=today() + timedelta(days=3),
            note=REVIEW_NOTE,
        )


def test_removal_needs_a_reason(folks):
    entry = entry_for(folks.zhang)

    with pytest.raises(ValidationError) as error:
        watch_entry_remove(actor=folks.people.counsellor, entry=entry, reason=" ")

    assert "reason" in error.value.message_dict
    assert WatchListEntry.objects.get(pk=entry.pk).removed_at is None


# ---------------------------------------------------------------------------------------------
# The list page


def test_the_list_shows_the_entries_in_scope_nearest_review_first_with_overdue_marked(folks):
    later = entry_for(folks.zhang, review_on=today() + timedelta(days=5))
    overdue = entry_for(folks.wang, review_on=today() - timedelta(days=1))
    entry_for(folks.li)
    make_alert(level="orange", org_unit=folks.tree.grid, resident=folks.zhang, owner=folks.people.counsellor)

    response = client_for(folks.people.counsellor).get(LIST)

    assert response.status_code == 200
    assert [row["entry"].pk for row in response.context["rows"]] == [overdue.pk, later.pk]
    html = response.content.decode()
    assert "张三" in html and "王五" in html and "李四" not in html
    assert f'id="watch-{overdue.pk}" class="is-overdue"' in html
    assert "overdue" in html
    assert 'class="risk risk-orange"' in html
    assert REASON in html


def test_the_listing_is_audited_with_ids_only(folks):
    entry = entry_for(folks.zhang)

    client_for(folks.people.counsellor).get(LIST, {"unit": folks.tree.willow.pk})

    audit = AuditEntry.objects.get(action="list.viewed", object_type="crisis.watchlistentry")
    assert audit.details == {"page": "watch_list", "ids": [str(entry.pk)], "unit": str(folks.tree.willow.pk)}
    assert "张三" not in str(audit.details) and REASON not in str(audit.details)


def test_the_list_can_be_narrowed_to_one_unit_and_answers_htmx_with_the_rows(folks):
    zhang = entry_for(folks.zhang)
    entry_for(folks.li)
    director = client_for(folks.people.director)

    response = director.get(LIST, {"unit": folks.tree.grid.pk}, HTTP_HX_REQUEST="true")

    assert [row["entry"].pk for row in response.context["rows"]] == [zhang.pk]
    assert next(t.name for t in response.templates) == "crisis/watch_rows.html"
    assert len(director.get(LIST).context["rows"]) == 2


def test_a_unit_outside_scope_is_refused_with_a_message_not_a_crash(folks):
    entry_for(folks.zhang)

    response = client_for(folks.people.counsellor).get(LIST, {"unit": folks.tree.pine.pk})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_list_is_forbidden_to_those_who_do_not_handle_alerts(folks):
    entry_for(folks.zhang)
    for who in ("worker", "archivist", "volunteer"):
        assert client_for(getattr(folks.people, who)).get(LIST).status_code == 403
    assert not AuditEntry.objects.filter(action="list.viewed").exists()


def test_the_list_takes_only_get(folks):
    assert client_for(folks.people.counsellor).post(LIST).status_code == 405


def test_the_list_reads_a_fixed_number_of_queries(folks, django_assert_max_num_queries):
    client = client_for(folks.people.director)
    for index in range(3):
        resident = client_of(folks.people, folks.tree.grid, f"居民{index}")
        entry_for(resident)
        make_alert(level="yellow", org_unit=folks.tree.grid, resident=resident)
    client.get(LIST)  # warm the session and the caches
    with django_assert_max_num_queries(20) as few:
        client.get(LIST)
    for index in range(6):
        entry_for(client_of(folks.people, folks.tree.grid, f"更多居民{index}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["rows"]) == 9


# ---------------------------------------------------------------------------------------------
# Adding by hand (page)


def test_the_responsible_counsellor_adds_from_the_archive(folks):
    client = client_for(folks.people.counsellor)
    url = f"{ADD}?resident={folks.zhang.pk}"

    page = client.get(url)
    assert page.status_code == 200 and "张三" in page.content.decode()
    review_on = today() + timedelta(days=3)
    response = client.post(url, {"reason": REASON, "review_on": review_on.isoformat()})

    assert response.status_code == 302 and response["Location"] == LIST
    entry = WatchListEntry.objects.get(resident=folks.zhang)
    assert (entry.review_on, entry.added_by) == (review_on, folks.people.counsellor)


def test_bad_input_on_the_add_page_is_shown_on_the_form(folks):
    client = client_for(folks.people.counsellor)
    url = f"{ADD}?resident={folks.zhang.pk}"

    empty = client.post(url, {"reason": "", "review_on": today().isoformat()})
    past = client.post(url, {"reason": REASON, "review_on": (today() - timedelta(days=1)).isoformat()})

    assert (empty.status_code, past.status_code) == (400, 400)
    assert "reason" in empty.context["form"].errors
    assert "review_on" in past.context["form"].errors
    assert not WatchListEntry.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_a_person_whose_clinical_content_one_does_not_see_is_out_of_reach(folks, who):
    client = client_for(getattr(folks.people, who))
    url = f"{ADD}?resident={folks.zhang.pk}"

    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": REASON, "review_on": today().isoformat()}).status_code == 404
    assert not WatchListEntry.objects.exists()
    assert watch_writes() == 0
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(folks.zhang.pk)).exists()


def test_the_add_page_is_forbidden_to_those_who_do_not_handle_alerts(folks):
    response = client_for(folks.people.worker).post(
        f"{ADD}?resident={folks.zhang.pk}", {"reason": REASON, "review_on": today().isoformat()}
    )

    assert response.status_code == 403
    assert not WatchListEntry.objects.exists()


def test_the_add_page_without_a_person_or_with_a_bad_one_says_so(folks):
    client = client_for(folks.people.counsellor)

    assert client.get(ADD).status_code == 302
    assert client.get(f"{ADD}?resident=abc").status_code == 404
    assert client.get(f"{ADD}?resident=999999").status_code == 404


def test_the_add_page_sends_a_person_already_on_the_list_to_the_list(folks):
    entry_for(folks.zhang)

    response = client_for(folks.people.counsellor).get(f"{ADD}?resident={folks.zhang.pk}")

    assert response.status_code == 302 and response["Location"] == LIST
    assert WatchListEntry.objects.count() == 1


def test_the_add_page_takes_only_get_and_post(folks):
    assert client_for(folks.people.counsellor).put(f"{ADD}?resident={folks.zhang.pk}").status_code == 405


# ---------------------------------------------------------------------------------------------
# Review and removal (pages)


def test_a_colleague_in_scope_records_a_review_from_the_list(folks):
    entry = entry_for(folks.zhang, review_on=today())
    next_on = today() + timedelta(days=10)

    response = client_for(folks.people.colleague).post(
        review_url(entry), {"next_review_on": next_on.isoformat(), "note": REVIEW_NOTE}
    )

    assert response.status_code == 302 and response["Location"] == LIST
    entry.refresh_from_db()
    assert entry.review_on == next_on and entry.last_reviewed_at is not None
    # The next reviewer reads what this one found, on the list itself.
    listing = client_for(folks.people.counsellor).get(LIST).content.decode()
    assert REVIEW_NOTE in listing


def test_a_review_without_a_note_comes_back_on_the_rows_form(folks):
    entry = entry_for(folks.zhang)
    before = snapshot(entry)

    response = client_for(folks.people.counsellor).post(
        review_url(entry), {"next_review_on": (today() + timedelta(days=7)).isoformat(), "note": ""}
    )

    assert response.status_code == 400
    assert snapshot(entry) == before and not WatchReview.objects.exists()


def test_a_bad_review_date_comes_back_on_the_rows_form(folks):
    entry = entry_for(folks.zhang)
    before = snapshot(entry)

    response = client_for(folks.people.counsellor).post(
        review_url(entry), {"next_review_on": today().isoformat(), "note": REVIEW_NOTE}
    )

    assert response.status_code == 400
    row = next(row for row in response.context["rows"] if row["entry"].pk == entry.pk)
    assert "next_review_on" in row["review_form"].errors
    assert snapshot(entry) == before


def test_removal_from_the_list_with_an_open_alert_says_why_and_writes_nothing(folks):
    entry = entry_for(folks.zhang)
    make_alert(level="red", org_unit=folks.tree.grid, resident=folks.zhang)
    before = snapshot(entry)

    response = client_for(folks.people.counsellor).post(remove_url(entry), {"reason": "稳定"})

    assert response.status_code == 400
    assert "open alert" in response.content.decode()
    assert snapshot(entry) == before


def test_removal_from_the_list(folks):
    entry = entry_for(folks.zhang)

    response = client_for(folks.people.counsellor).post(remove_url(entry), {"reason": "稳定三个月"})

    assert response.status_code == 302
    assert WatchListEntry.objects.get(pk=entry.pk).removed_at is not None
    assert client_for(folks.people.counsellor).get(LIST).context["rows"] == []


@pytest.mark.parametrize("who", ["outsider", "worker"])
def test_review_and_removal_of_an_entry_out_of_reach_are_404_and_write_nothing(folks, who):
    entry = entry_for(folks.zhang)
    before = snapshot(entry)
    client = client_for(getattr(folks.people, who))

    assert (
        client.post(
            review_url(entry),
            {"next_review_on": (today() + timedelta(days=3)).isoformat(), "note": REVIEW_NOTE},
        ).status_code
        == 404
    )
    assert client.post(remove_url(entry), {"reason": "不需要"}).status_code == 404

    assert snapshot(entry) == before
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(entry.pk)).count() == 2


def test_review_and_removal_take_only_post(folks):
    entry = entry_for(folks.zhang)
    client = client_for(folks.people.counsellor)

    assert client.get(review_url(entry)).status_code == 405
    assert client.get(remove_url(entry)).status_code == 405


# ---------------------------------------------------------------------------------------------
# The archive line, the home page and the menu


def test_the_archive_says_since_when_the_person_is_watched_to_those_who_see_clinical_content(folks):
    entry = entry_for(folks.zhang)
    archive = reverse("archives:detail", args=[folks.zhang.pk])

    html = client_for(folks.people.counsellor).get(archive).content.decode()
    assert "On the watch list since" in html
    assert entry.review_on.isoformat() in html

    for who in ("colleague", "worker"):
        response = client_for(getattr(folks.people, who)).get(archive)
        assert response.status_code == 200
        assert "On the watch list" not in response.content.decode()


def test_the_archive_offers_the_watch_list_to_its_team(folks):
    html = (
        client_for(folks.people.counsellor)
        .get(reverse("archives:detail", args=[folks.zhang.pk]))
        .content.decode()
    )

    assert f"{ADD}?resident={folks.zhang.pk}" in html


def test_the_home_page_counts_the_reviews_due(folks):
    entry_for(folks.zhang, review_on=today())
    entry_for(folks.wang, review_on=today() - timedelta(days=3))
    entry_for(folks.li, review_on=today())

    counsellor = client_for(folks.people.counsellor).get(reverse("dashboard:home"))
    assert counsellor.context["watch_reviews_due"] == 2
    assert 'id="watch-reviews"' in counsellor.content.decode()
    worker = client_for(folks.people.worker).get(reverse("dashboard:home"))
    assert "watch_reviews_due" not in worker.context


def test_the_menu_shows_the_watch_list_to_those_who_handle_alerts(folks):
    def urls(user):
        return [item["url"] for item in nav_for(user, "/staff/")]

    assert LIST in urls(folks.people.counsellor)
    assert LIST not in urls(folks.people.worker)


# ---------------------------------------------------------------------------------------------
# The daily reminder


def reminders() -> list[tuple[int, str]]:
    return sorted(
        Notification.objects.filter(related_type="crisis.watchlistentry").values_list(
            "recipient_user__username", "related_id"
        )
    )


def test_the_job_reminds_the_team_once_per_entry_per_day_until_the_review(folks):
    day = dt.datetime(2025, 3, 4, 9, 0, tzinfo=SHANGHAI)
    with time_machine.travel(day, tick=False):
        zhang = entry_for(folks.zhang, review_on=day.date())
        wang = entry_for(folks.wang, review_on=day.date() - timedelta(days=2))
        entry_for(folks.li, review_on=day.date() + timedelta(days=3))

        [(name, ok, _)] = run_due_jobs(only="watch_list.review_due", now=timezone.now())
        assert (name, ok) == ("watch_list.review_due", True)
        # 张三's responsible counsellor; 王五 has no team: the supervisor in scope.
        first = [("counsellor_t", str(zhang.pk)), ("supervisor_t", str(wang.pk))]
        assert reminders() == first

    with time_machine.travel(day + timedelta(hours=6), tick=False):
        run_due_jobs(only="watch_list.review_due", now=timezone.now())
        assert watch_reviews_remind_due() == 0
        assert reminders() == first

    with time_machine.travel(day + timedelta(days=1), tick=False):
        run_due_jobs(only="watch_list.review_due", now=timezone.now())
        assert len(reminders()) == 4
        watch_entry_review(
            actor=folks.people.counsellor,
            entry=zhang,
            next_review_on=day.date() + timedelta(days=8),
            note=REVIEW_NOTE,
        )

    with time_machine.travel(day + timedelta(days=2), tick=False):
        run_due_jobs(only="watch_list.review_due", now=timezone.now())
        assert reminders().count(("counsellor_t", str(zhang.pk))) == 2
        assert reminders().count(("supervisor_t", str(wang.pk))) == 3


def test_the_reminder_names_nobody_and_says_nothing_clinical(folks):
    entry = entry_for(folks.zhang, review_on=today() - timedelta(days=1))

    assert watch_reviews_remind_due() == 1

    message = Notification.objects.get(related_id=str(entry.pk))
    assert message.recipient_user == folks.people.counsellor
    assert message.subject == "有一项重点关注人群复核已超时"
    assert "张三" not in message.body and REASON not in message.body
    assert LIST in message.body


def test_removed_entries_and_entries_not_due_are_not_reminded(folks):
    removed = entry_for(folks.zhang, review_on=today())
    watch_entry_remove(actor=folks.people.counsellor, entry=removed, reason="稳定")
    entry_for(folks.li, review_on=today() + timedelta(days=1))

    assert watch_reviews_remind_due() == 0
