"""ORG-1 / ORG-2: the organisation tree and the service sites, as screens."""

from __future__ import annotations

from datetime import time

import pytest
from django.test import Client
from django.urls import reverse

from confidentiality.models import AuditEntry
from conftest import login_fully
from orgs.models import OpeningHours, OrgUnit, Room, ServiceSite
from orgs.services import opening_hours_add, service_site_create

pytestmark = pytest.mark.django_db

TREE = reverse("orgs:tree")
ADD = reverse("orgs:unit_add")


@pytest.fixture
def site(tree):
    return service_site_create(actor=None, name="柳岸服务站", org_unit=tree.willow)


def test_the_tree_is_drawn_as_nested_lists_within_scope(as_user, people, tree, django_assert_max_num_queries):
    client = as_user(people.counsellor)
    with django_assert_max_num_queries(10):
        response = client.get(TREE)
    body = response.content.decode()
    assert response.status_code == 200
    assert "柳岸社区" in body and "柳岸第1网格" in body and "松林社区" not in body
    # The grid sits inside its community's list item.
    assert body.index("柳岸社区") < body.index('role="group"') < body.index("柳岸第1网格")
    assert "新增" not in body  # a counsellor cannot change the tree


def test_the_administrator_sees_both_branches(as_user, people):
    body = as_user(people.admin).get(TREE).content.decode()
    for name in ("测试区", "东街道", "柳岸社区", "柳岸第1网格", "实验中学", "七年级", "七年级1班"):
        assert name in body


def test_the_administrator_adds_a_grid_under_a_community(as_user, people, tree):
    client = as_user(people.admin)
    form = client.get(ADD, {"parent": tree.willow.pk}, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "<html" not in form.content.decode()
    response = client.post(
        ADD, {"parent": tree.willow.pk, "name": "柳岸第2网格", "kind": "grid"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response["HX-Redirect"] == TREE
    grid = OrgUnit.objects.get(name="柳岸第2网格")
    assert OrgUnit.objects.get_parent(grid) == tree.willow
    assert AuditEntry.objects.filter(action="org_unit.created", object_id=str(grid.pk)).exists()


def test_a_unit_of_the_wrong_kind_for_its_place_is_refused_in_chinese(as_user, people, tree):
    before = OrgUnit.objects.count()
    response = as_user(people.admin).post(
        ADD, {"parent": tree.district.pk, "name": "错位网格", "kind": "grid"}
    )
    assert response.status_code == 200
    assert "不能" in response.content.decode()
    assert OrgUnit.objects.count() == before


def test_a_blank_name_is_refused_with_a_message(as_user, people, tree):
    response = as_user(people.admin).post(ADD, {"parent": tree.willow.pk, "name": "", "kind": "grid"})
    assert response.context["form"].errors["name"]


@pytest.mark.parametrize("role", ["director", "counsellor", "worker"])
def test_only_the_administrator_changes_the_tree(people, tree, role):
    client = login_fully(Client(), getattr(people, role))
    before = OrgUnit.objects.count()
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, {"parent": tree.willow.pk, "name": "x", "kind": "grid"}).status_code == 403
    assert client.post(reverse("orgs:unit_edit", args=[tree.willow.pk]), {"name": "改"}).status_code == 403
    assert OrgUnit.objects.count() == before
    tree.willow.refresh_from_db()
    assert tree.willow.name == "柳岸社区"


def test_a_unit_with_active_staff_cannot_be_deactivated(as_user, people, tree):
    response = as_user(people.admin).post(
        reverse("orgs:unit_edit", args=[tree.willow.pk]), {"name": "柳岸社区"}
    )
    assert response.status_code == 200
    tree.willow.refresh_from_db()
    assert tree.willow.is_active


def test_the_tree_page_refuses_post(as_user, people):
    assert as_user(people.admin).post(TREE).status_code == 405


def test_a_director_adds_a_site_with_rooms_and_opening_hours(as_user, people, tree):
    client = as_user(people.director)
    response = client.post(
        reverse("orgs:site_create"), {"name": "新站", "org_unit": tree.willow.pk, "address": "柳岸路 1 号"}
    )
    site = ServiceSite.objects.get(name="新站")
    assert response.status_code == 302
    rooms = client.post(
        reverse("orgs:room_add", args=[site.pk]),
        {"name": "咨询室", "kind": "individual", "capacity": 3},
        HTTP_HX_REQUEST="true",
    )
    assert rooms.status_code == 200 and "咨询室" in rooms.content.decode()
    hours = client.post(
        reverse("orgs:hours_add", args=[site.pk]),
        {"weekday": 0, "opens": "13:30", "closes": "15:30"},
        HTTP_HX_REQUEST="true",
    )
    assert "13:30" in hours.content.decode()
    assert Room.objects.filter(site=site).count() == 1
    assert OpeningHours.objects.filter(site=site).count() == 1


def test_overlapping_opening_hours_are_refused_with_a_message(as_user, people, site):
    opening_hours_add(actor=None, site=site, weekday=1, opens=time(13, 30), closes=time(15, 30))
    response = as_user(people.director).post(
        reverse("orgs:hours_add", args=[site.pk]), {"weekday": 1, "opens": "15:00", "closes": "16:00"}
    )
    assert response.status_code == 200
    assert OpeningHours.objects.filter(site=site).count() == 1
    assert "重叠" in response.content.decode()


def test_closing_before_opening_is_refused(as_user, people, site):
    response = as_user(people.director).post(
        reverse("orgs:hours_add", args=[site.pk]), {"weekday": 1, "opens": "16:00", "closes": "09:00"}
    )
    assert response.status_code == 200
    assert not OpeningHours.objects.filter(site=site).exists()


def test_a_site_outside_scope_is_not_found(people, site):
    client = login_fully(Client(), people.outsider)
    assert client.get(reverse("orgs:site_detail", args=[site.pk])).status_code == 404
    assert client.post(
        reverse("orgs:room_add", args=[site.pk]), {"name": "x", "kind": "group", "capacity": 2}
    ).status_code in (403, 404)
    assert not Room.objects.filter(site=site).exists()


def test_a_counsellor_sees_sites_but_cannot_change_them(people, site):
    client = login_fully(Client(), people.counsellor)
    assert client.get(reverse("orgs:site_detail", args=[site.pk])).status_code == 200
    response = client.post(
        reverse("orgs:room_add", args=[site.pk]), {"name": "x", "kind": "group", "capacity": 2}
    )
    assert response.status_code == 403
    assert not Room.objects.filter(site=site).exists()
