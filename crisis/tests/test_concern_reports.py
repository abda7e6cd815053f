"""CRI-1: concern reports (舆情信息) from grid workers, teachers and volunteers.

A report raises a risk signal in the same transaction; its author sees that it was received and
nothing more: not the alert, its level or owner, nor the person's risk level — on the receipt, on
their list, on the person's archive or on the home page.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import translation

from archives.models import RiskLevel
from archives.tests.conftest import client_for, register, valid_id
from confidentiality.models import AuditEntry
from crisis.models import Alert, ConcernReport, Level, RiskSignal
from crisis.services.concerns import concern_report_submit

pytestmark = pytest.mark.django_db

WHAT = "他这几天总说活着没意思，把心爱的东西都送人了"
WHERE = "柳岸路8号楼下的小花园"
WHO = "高个子男生，约十五岁，常在实验中学门口"


def url(name, *args):
    return reverse(f"crisis:{name}", args=args)


@pytest.fixture
def zhang(people, tree):
    """张三, registered by the grid worker in 柳岸第1网格 (in the worker's scope)."""
    return register(people.worker, tree.grid, name="张三", id_number=valid_id("11010119900307123"))


@pytest.fixture
def far(people, tree):
    """张四, in 松林社区: outside the grid worker's scope."""
    return register(people.outsider, tree.pine, name="张四", id_number=valid_id("11010119851111234"))


def nothing_written():
    return (ConcernReport.objects.count(), RiskSignal.objects.count(), Alert.objects.count()) == (0, 0, 0)


def form_data(**overrides):
    data = {"description": WHAT, "location": WHERE, "person_description": "", "resident": "", "urgent": ""}
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# The service


def test_a_grid_worker_reports_a_named_resident_and_a_signal_and_alert_follow_at_once(people, zhang):
    report = concern_report_submit(
        actor=people.worker, resident=zhang, description=WHAT, location=WHERE, urgent=True
    )
    signal = report.signal
    assert signal is not None
    assert (signal.source, signal.resident, signal.urgent, signal.reported_by) == (
        RiskSignal.Source.CONCERN,
        zhang,
        True,
        people.worker,
    )
    assert WHAT in signal.note and WHERE in signal.note
    alert = Alert.objects.get(resident=zhang)
    assert alert.level == Level.RED  # "in danger now": the default rule for immediate danger
    assert alert.org_unit == zhang.org_unit
    assert alert.events.filter(signal=signal).exists()


def test_a_report_not_marked_urgent_raises_a_yellow_alert(people, zhang):
    concern_report_submit(actor=people.worker, resident=zhang, description=WHAT)
    assert Alert.objects.get(resident=zhang).level == Level.YELLOW


def test_a_volunteer_describes_an_unregistered_person_and_the_alert_goes_to_their_unit(people):
    report = concern_report_submit(actor=people.volunteer, description=WHAT, person_description=WHO)
    assert report.resident is None
    assert report.signal.resident is None
    assert WHO in report.signal.note
    alert = Alert.objects.get(source="concern")
    assert alert.resident is None
    assert alert.subject_note == WHO
    assert alert.org_unit == people.volunteer.org_unit


def test_a_teacher_may_report(people):
    report = concern_report_submit(actor=people.teacher, description=WHAT, person_description=WHO)
    assert report.reporter == people.teacher


def test_a_resident_outside_the_reporters_scope_is_refused_and_nothing_is_written(people, far):
    with pytest.raises(ValidationError) as error:
        concern_report_submit(actor=people.worker, resident=far, description=WHAT)
    assert "resident" in error.value.message_dict
    assert nothing_written()


def test_a_volunteer_cannot_name_a_registered_resident_they_do_not_see(people, zhang):
    with pytest.raises(ValidationError):
        concern_report_submit(actor=people.volunteer, resident=zhang, description=WHAT)
    assert nothing_written()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "  ", "person_description": WHO}, "description"),
        ({"description": WHAT, "person_description": "  "}, "person_description"),
        ({"description": "长" * 4001, "person_description": WHO}, "description"),
    ],
)
def test_what_happened_and_who_it_is_about_are_required(people, fields, field):
    with pytest.raises(ValidationError) as error:
        concern_report_submit(actor=people.worker, **fields)
    assert field in error.value.message_dict
    assert nothing_written()


@pytest.mark.parametrize("role", ["admin", "finance", "archivist", "lead"])
def test_roles_without_the_permission_may_not_report_and_nothing_is_written(people, role):
    with pytest.raises(PermissionDenied):
        concern_report_submit(actor=getattr(people, role), description=WHAT, person_description=WHO)
    assert nothing_written()


def test_the_report_is_encrypted_at_rest_and_audited_without_its_content(people, zhang):
    report = concern_report_submit(
        actor=people.worker, resident=zhang, description=WHAT, location=WHERE, person_description=WHO
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT description, location, person_description FROM crisis_concernreport WHERE id = %s",
            [report.pk],
        )
        stored = cursor.fetchone()
    for raw, clear in zip(stored, (WHAT, WHERE, WHO), strict=True):
        assert clear not in raw
    entry = AuditEntry.objects.get(action="concern_report.submitted")
    assert entry.object_id == str(report.pk)
    assert WHAT not in str(entry.details) and WHERE not in str(entry.details)


# ---------------------------------------------------------------------------------------------
# The form page


@pytest.mark.parametrize("role", ["worker", "teacher", "volunteer", "counsellor"])
def test_the_form_opens_for_everyone_who_may_report(people, role):
    response = client_for(getattr(people, role)).get(url("concern_create"))
    assert response.status_code == 200
    assert "110" in response.content.decode()


@pytest.mark.parametrize("role", ["admin", "finance"])
def test_the_form_is_forbidden_to_admin_and_finance_and_a_post_writes_nothing(people, role):
    client = client_for(getattr(people, role))
    assert client.get(url("concern_create")).status_code == 403
    response = client.post(url("concern_create"), form_data(person_description=WHO))
    assert response.status_code == 403
    assert nothing_written()


def test_the_form_page_answers_405_to_other_methods(people):
    client = client_for(people.worker)
    assert client.put(url("concern_create")).status_code == 405
    assert client.delete(url("concern_create")).status_code == 405
    assert nothing_written()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(url("concern_create"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_worker_reports_through_the_page_and_lands_on_the_receipt(people, zhang):
    client = client_for(people.worker)
    response = client.post(url("concern_create"), form_data(resident=zhang.pk, urgent="on"))
    report = ConcernReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("concern_received", report.pk)
    assert (report.reporter, report.resident, report.urgent) == (people.worker, zhang, True)


def test_a_volunteer_reports_someone_described_in_words(people):
    client = client_for(people.volunteer)
    page = client.get(url("concern_create")).content.decode()
    assert 'name="q"' not in page  # a volunteer sees no residents: there is nobody to search
    response = client.post(url("concern_create"), form_data(person_description=WHO))
    assert response.status_code == 302
    assert ConcernReport.objects.get().person_description == WHO


def test_a_missing_description_is_put_back_on_the_form_and_nothing_is_written(people):
    response = client_for(people.teacher).post(url("concern_create"), form_data(description=""))
    assert response.status_code == 200
    assert response.context["form"].errors["description"]
    assert nothing_written()


def test_a_forged_resident_outside_scope_gets_a_clear_message_and_nothing_is_written(people, far):
    response = client_for(people.worker).post(url("concern_create"), form_data(resident=far.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["resident"]
    assert "张四" not in response.content.decode()
    assert nothing_written()


def test_the_name_search_finds_only_residents_in_the_reporters_scope(people, zhang, far):
    client = client_for(people.worker)
    response = client.get(url("concern_create"), {"q": "张"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page  # the HTMX partial only
    assert f'value="{zhang.pk}"' in page and "张三" in page
    assert "张四" not in page and f'value="{far.pk}"' not in page
    assert AuditEntry.objects.filter(action="resident.searched", actor=people.worker).exists()


def test_without_javascript_find_shows_matches_and_keeps_what_was_typed(people, zhang):
    response = client_for(people.worker).post(
        url("concern_create"), form_data(q="zhangsan", search="1", description=WHAT)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{zhang.pk}"' in page
    assert WHAT in page
    assert not response.context["form"].errors
    assert nothing_written()


# ---------------------------------------------------------------------------------------------
# The receipt and the list


def test_the_receipt_is_the_reporters_alone(people, zhang):
    report = concern_report_submit(actor=people.worker, resident=zhang, description=WHAT)
    assert client_for(people.worker).get(url("concern_received", report.pk)).status_code == 200
    assert client_for(people.teacher).get(url("concern_received", report.pk)).status_code == 404
    assert client_for(people.counsellor).get(url("concern_received", report.pk)).status_code == 404
    assert client_for(people.worker).get(url("concern_received", report.pk + 99)).status_code == 404
    assert client_for(people.admin).get(url("concern_received", report.pk)).status_code == 403
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(report.pk)).count() == 2


def test_the_receipt_and_the_list_answer_405_to_a_post(people, zhang):
    report = concern_report_submit(actor=people.worker, resident=zhang, description=WHAT)
    client = client_for(people.worker)
    assert client.post(url("concern_received", report.pk)).status_code == 405
    assert client.post(url("concern_list")).status_code == 405
    assert ConcernReport.objects.count() == 1


@pytest.mark.parametrize("role", ["admin", "finance"])
def test_the_list_is_forbidden_to_admin_and_finance(people, role):
    assert client_for(getattr(people, role)).get(url("concern_list")).status_code == 403


def test_the_list_shows_only_ones_own_reports(people, zhang):
    concern_report_submit(actor=people.worker, resident=zhang, description=WHAT)
    concern_report_submit(actor=people.volunteer, description=WHAT, person_description="穿红衣服的阿姨")
    page = client_for(people.worker).get(url("concern_list")).content.decode()
    assert "张三" in page
    assert "穿红衣服的阿姨" not in page


def test_the_list_takes_a_fixed_number_of_queries(people, zhang, django_assert_max_num_queries):
    for n in range(6):
        concern_report_submit(actor=people.worker, resident=zhang, description=WHAT)
        concern_report_submit(actor=people.worker, description=WHAT, person_description=f"{WHO}{n}")
    client = client_for(people.worker)
    with django_assert_max_num_queries(16):
        response = client.get(url("concern_list"))
    assert response.status_code == 200
    assert len(response.context["page"]) == 12


# ---------------------------------------------------------------------------------------------
# Acceptance: the worker reports a concern and sees no clinical data afterwards


def _clinical_traces(alert: Alert) -> list[str]:
    """Words that would give away the alert or the person's risk level, in both languages."""
    words = [WHAT, WHERE, "/staff/crisis/alerts/", "risk-orange", "risk-yellow", "risk-red"]
    if alert.owner is not None:
        words += [alert.owner.full_name, alert.owner.username]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            words += [str(label) for label in Level.labels]
            words += [str(RiskLevel.ORANGE.label), str(RiskLevel.YELLOW.label), str(RiskLevel.RED.label)]
            words.append(translation.gettext("Risk level"))
    # "alert" itself is also a CSS class and an ARIA role; its Chinese name is not.
    words += ["预警", "风险等级"]
    return words


def test_a_worker_reports_a_concern_and_sees_no_clinical_data_afterwards(people, zhang):
    client = client_for(people.worker)
    home = client.get(reverse("dashboard:home")).content.decode()
    assert url("concern_create") in home  # the "Worried about someone?" card and the menu

    response = client.post(url("concern_create"), form_data(resident=zhang.pk, urgent="on"))
    report = ConcernReport.objects.get()
    assert response["Location"] == url("concern_received", report.pk)
    alert = Alert.objects.get(resident=zhang)
    zhang.archive.refresh_from_db()
    assert zhang.archive.risk_level == RiskLevel.RED  # the archive follows the alert…

    pages = {
        "receipt": client.get(url("concern_received", report.pk)),
        "list": client.get(url("concern_list")),
        "archive": client.get(reverse("archives:detail", args=[zhang.pk])),
        "home": client.get(reverse("dashboard:home")),
        "form": client.get(url("concern_create")),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        text = page.content.decode()
        for word in _clinical_traces(alert):
            assert word not in text, (name, word)  # …but the worker sees none of it
    assert "张三" in pages["receipt"].content.decode()
    assert "张三" in pages["list"].content.decode()
    # Nor may the worker open the alert itself, or flag a risk to learn more.
    assert client.get(url("flag_create"), {"resident": zhang.pk}).status_code == 403


@pytest.mark.parametrize("role", ["worker", "teacher", "volunteer"])
def test_field_staff_see_the_worried_about_someone_card_on_the_home_page(people, role):
    page = client_for(getattr(people, role)).get(reverse("dashboard:home")).content.decode()
    assert 'id="report-concern"' in page


@pytest.mark.parametrize("role", ["counsellor", "admin", "finance"])
def test_clinical_staff_and_those_who_may_not_report_do_not_get_the_card(people, role):
    page = client_for(getattr(people, role)).get(reverse("dashboard:home")).content.decode()
    assert 'id="report-concern"' not in page


def test_the_menu_offers_report_a_concern_only_to_those_who_may(people):
    assert (
        url("concern_create") in client_for(people.volunteer).get(reverse("dashboard:home")).content.decode()
    )
    assert (
        url("concern_create")
        not in client_for(people.finance).get(reverse("dashboard:home")).content.decode()
    )
