"""The archive flow of issue 3, walked in the browser as the people in it would walk it.

worker registers a resident (a wrong ID number is refused in Chinese, a duplicate leads to the
existing record) and records consent; archivist makes counsellor responsible; counsellor sees the
archive; counsellor2 gets 404, asks for access, archivist approves, counsellor2 sees the archive
until the grant runs out; counsellor2 uses emergency access and director sees it on the review
list; the access list shows all of it; the audit chain verifies.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect

from archives.models import Archive, Resident
from confidentiality.models import AccessGrant, ConsentKind
from confidentiality.roles import Role
from confidentiality.services import consent_text_publish
from conftest import PASSWORD, make_user
from lib.identity import prc_id_check_character

pytestmark = pytest.mark.browser

FIRST17 = "33010619900307231"
ID_NUMBER = FIRST17 + prc_id_check_character(FIRST17)
WRONG_ID = FIRST17 + ("0" if ID_NUMBER[-1] != "0" else "1")


def zh(message: str) -> str:
    with override("zh-hans"):
        return gettext(message)


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))


def log_out(page: Page) -> None:
    page.click(".topbar-tools button:has-text('退出登录')")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def cast(people, settings):
    """Clinical roles need TOTP; as demo accounts in demo mode they log in with a password."""
    settings.DEMO_MODE = True
    counsellor2 = make_user("counsellor2_t", Role.COUNSELLOR, people.outsider.org_unit)
    for user in (people.counsellor, counsellor2, people.archivist, people.director):
        user.is_demo_account = True
        user.save(update_fields=["is_demo_account"])
    for kind in ConsentKind:
        consent_text_publish(
            actor=people.admin, kind=kind, version="1", title=f"文本-{kind.value}", body="……"
        )
    return counsellor2


def test_the_archive_flow_from_registration_to_emergency_access(page: Page, live_server, people, tree, cast):
    counsellor2 = cast
    # worker registers a resident; a wrong check digit is refused in Chinese.
    log_in(page, live_server, people.worker.username)
    page.goto(f"{live_server.url}/staff/residents/new/")
    page.fill("input[name=name]", "张三")
    page.fill("input[name=id_number]", WRONG_ID)
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=address]", "柳岸路 1 号")
    page.select_option("select[name=org_unit]", str(tree.grid.pk))
    page.click("form button.primary")
    expect(page.locator(".error")).to_contain_text(
        zh("This ID card number is not valid: its check digit does not match. Check each digit.")
    )
    assert not Resident.objects.exists()
    page.fill("input[name=id_number]", ID_NUMBER)
    page.click("form button.primary")
    expect(page).to_have_url(re.compile(r"/staff/residents/\d+/$"))
    resident = Resident.objects.get()
    archive = resident.archive
    expect(page.locator("body")).to_contain_text(archive.number)

    # Registering the same person again leads to the existing record, not a second one.
    page.goto(f"{live_server.url}/staff/residents/new/")
    page.fill("input[name=name]", "张三")
    page.fill("input[name=id_number]", ID_NUMBER.lower())
    page.select_option("select[name=org_unit]", str(tree.grid.pk))
    page.click("form button.primary")
    expect(page).to_have_url(f"{live_server.url}/staff/residents/{resident.pk}/")
    expect(page.locator(".messages")).to_contain_text(
        zh("This person is already registered; here is their archive.")
    )
    assert Resident.objects.count() == 1

    # worker records the informed consent.
    page.click(f"a[href='/staff/residents/{resident.pk}/consents/new/']")
    page.select_option("select[name=text]", label="文本-informed v1")
    page.select_option("select[name=signer]", "self")
    page.fill("input[name=signer_name]", "张三")
    page.click("form button.primary")
    expect(page.locator(".messages")).to_contain_text(zh("The consent is recorded."))
    log_out(page)

    # archivist makes counsellor responsible; counsellor sees the clinical part of the archive.
    log_in(page, live_server, people.archivist.username)
    page.goto(f"{live_server.url}/staff/residents/{resident.pk}/")
    page.check(f"input[name=staff][value='{people.counsellor.pk}']")
    page.click("form[action$='/responsible/'] button")
    expect(page.locator(".messages")).to_contain_text(zh("The responsible counsellors are saved."))
    log_out(page)
    log_in(page, live_server, people.counsellor.username)
    page.goto(f"{live_server.url}/staff/residents/{resident.pk}/")
    expect(page.locator("form[action$='/risk/']")).to_be_visible()
    log_out(page)

    # counsellor2, in another subdistrict, gets 404 and asks for access.
    log_in(page, live_server, counsellor2.username)
    response = page.goto(f"{live_server.url}/staff/residents/{resident.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/staff/residents/access/new/")
    page.fill("input[name=number]", archive.number)
    page.fill("textarea[name=reason]", "居民转入我所在社区，需要了解既往服务情况")
    page.click("form button.primary")
    expect(page.locator(".messages")).to_contain_text(zh("Your request is sent to the archive manager."))
    log_out(page)

    # archivist approves.
    log_in(page, live_server, people.archivist.username)
    page.goto(f"{live_server.url}/staff/residents/access/")
    page.click("#pending-requests button[name=approve][value='1']")
    expect(page.locator(".messages")).to_contain_text(zh("The decision is recorded."))
    log_out(page)

    # counsellor2 now sees the archive, until the grant runs out.
    log_in(page, live_server, counsellor2.username)
    response = page.goto(f"{live_server.url}/staff/residents/{resident.pk}/")
    assert response.status == 200
    expect(page.locator(".notice")).to_contain_text(
        zh("You are seeing this archive through an approved access request.")
    )
    grant = AccessGrant.objects.get(requester=counsellor2, kind=AccessGrant.Kind.REQUEST)
    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert page.goto(f"{live_server.url}/staff/residents/{resident.pk}/").status == 404

    # Emergency access opens it at once and puts it on the director's review list.
    page.goto(f"{live_server.url}/staff/residents/emergency/?number={archive.number}")
    page.select_option("select[name=reason_code]", "danger_to_life")
    page.fill("textarea[name=reason]", "热线来电称该居民今晚有自伤计划，需立即了解既往风险")
    page.click("form button.danger")
    expect(page).to_have_url(f"{live_server.url}/staff/residents/{resident.pk}/")
    expect(page.locator(".notice")).to_contain_text(
        zh("You are seeing this archive through emergency access.")
    )
    log_out(page)

    log_in(page, live_server, people.director.username)
    page.goto(f"{live_server.url}/staff/residents/access/")
    expect(page.locator("#break-glass-review")).to_contain_text(archive.number)
    page.goto(f"{live_server.url}/staff/residents/{resident.pk}/access-list/")
    table = page.locator("table")
    for action in (
        "resident.registered",
        "consent.recorded",
        "access.refused",
        "access.requested",
        "access.granted",
        "access.break_glass",
        "archive.viewed",
    ):
        expect(table).to_contain_text(action)
    expect(table).to_contain_text(counsellor2.username)

    call_command("audit_verify")
    assert Archive.objects.count() == 1
