"""The demo's activities (issue 12 #6): a full lecture with two waiting, a held broadcast with a
headcount, a parent-school series with one family past its target."""

from __future__ import annotations

import pytest

from activities.models import Activity, Headcount
from activities.selectors import family_progress, seats_summary, with_counts


@pytest.mark.django_db
def test_the_demo_has_the_activities_of_the_issue(settings):
    settings.DEMO_MODE = True
    from demo.seed import demo_seed

    demo_seed(residents=60)
    lecture = with_counts(Activity.objects.filter(title="睡眠与情绪管理讲座")).get()
    assert seats_summary(lecture) == "30/30 已确认 + 2 候补"
    broadcast = Activity.objects.get(kind=Activity.Kind.BROADCAST)
    assert (
        broadcast.status == Activity.Status.HELD and Headcount.objects.filter(activity=broadcast).count() == 2
    )
    met = {p.family.guardian_name: p.met for p in map(family_progress, _families())}
    assert met == {"王晓红": True, "李建华": False, "陈丽": False}


def _families():
    from activities.models import Family

    return Family.objects.all()
