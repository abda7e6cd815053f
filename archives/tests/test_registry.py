"""ARC-1: registering residents — valid documents and phones, guardians, one person one record."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext

from archives.models import Archive, Resident
from archives.services import resident_register
from archives.tests.conftest import (
    ZHANG_17,
    ZHANG_PHONE,
    client_for,
    id_born,
    po_chinese,
    register,
    url,
    valid_id,
    wrong_check_digit,
    years_ago,
)
from confidentiality.models import AuditEntry

pytestmark = pytest.mark.django_db

CHECK_DIGIT_MESSAGE = "This ID card number is not valid: its check digit does not match. Check each digit."
WOMAN_WITH_X = "11010119850612104"  # born 1985-06-12, sequence 104 (even: a woman), check character X
REGISTER = url("register")


def form_data(unit, **overrides):
    data = {
        "name": "王芳",
        "document_type": "prc_id",
        "id_number": valid_id(WOMAN_WITH_X),
        "phone": "13700001111",
        "address": "柳岸路12号",
        "org_unit": unit.pk,
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# Documents, birth dates and phones


def test_a_valid_id_number_gives_the_birth_date_and_sex(people, tree):
    man = register(people.worker, tree.grid, id_number=valid_id(ZHANG_17))
    woman = register(people.worker, tree.grid, name="王芳", id_number=valid_id(WOMAN_WITH_X).lower())
    assert (man.birth_date, man.sex) == (date(1990, 3, 7), "M")
    assert (woman.birth_date, woman.sex) == (date(1985, 6, 12), "F")
    assert woman.id_number.endswith("X")  # kept in its normal form, upper-case
    assert man.archive.number.startswith(f"XQ{timezone.localdate().year}-")


def test_a_wrong_check_digit_is_an_error_on_the_id_number(people, tree):
    with pytest.raises(ValidationError) as caught:
        register(people.worker, tree.grid, id_number=wrong_check_digit(valid_id(ZHANG_17)))
    assert list(caught.value.message_dict) == ["id_number"]
    assert not Resident.objects.exists()


def test_the_register_screen_explains_a_wrong_check_digit_in_chinese_and_creates_nothing(people, tree):
    chinese = po_chinese(CHECK_DIGIT_MESSAGE)
    response = client_for(people.worker).post(
        REGISTER, form_data(tree.grid, id_number=wrong_check_digit(valid_id(WOMAN_WITH_X)))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [chinese]
    assert chinese in response.content.decode()
    assert not Resident.objects.exists() and not Archive.objects.exists()
    assert not AuditEntry.objects.filter(action="resident.registered").exists()


def test_the_check_digit_error_follows_the_language_the_reader_chose(people, tree):
    """The message is translated when shown, not once when the code is first imported."""
    client = client_for(people.worker)
    bad = form_data(tree.grid, id_number=wrong_check_digit(valid_id(WOMAN_WITH_X)))
    for language in ("en", "zh-hans", "en"):
        client.cookies["django_language"] = language
        with translation.override(language):
            expected = gettext(CHECK_DIGIT_MESSAGE)
        assert client.post(REGISTER, bad).context["form"].errors["id_number"] == [expected]


def test_a_birth_date_or_sex_that_contradicts_the_id_number_is_refused(people, tree):
    with pytest.raises(ValidationError) as caught:
        register(people.worker, tree.grid, id_number=valid_id(ZHANG_17), birth_date=date(1990, 3, 8))
    assert "birth_date" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        register(people.worker, tree.grid, id_number=valid_id(ZHANG_17), sex="F")
    assert "sex" in caught.value.message_dict
    response = client_for(people.worker).post(REGISTER, form_data(tree.grid, birth_date="1985-06-13"))
    assert response.status_code == 200 and response.context["form"].errors["birth_date"]
    assert not Resident.objects.exists()


@pytest.mark.parametrize("phone", ["12345", "1391234567", "139123456789", "电话号码"])
def test_a_phone_that_is_not_a_real_number_is_refused(people, tree, phone):
    response = client_for(people.worker).post(REGISTER, form_data(tree.grid, phone=phone))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Resident.objects.exists()


def test_phones_are_kept_in_one_form_however_typed(people, tree):
    resident = register(people.worker, tree.grid, phone="139 1234-5678")
    assert resident.phone == "+8613912345678"


def test_a_passport_number_is_accepted_as_typed(people, tree):
    response = client_for(people.worker).post(
        REGISTER,
        form_data(
            tree.grid,
            name="Anna Müller",
            document_type="passport",
            id_number="c 1234 5678",
            birth_date="1980-01-02",
        ),
    )
    resident = Resident.objects.get(name="Anna Müller")
    assert response.status_code == 302 and response["Location"] == url("detail", resident.pk)
    assert (resident.document_type, resident.id_number, resident.birth_date) == (
        "passport",
        "C12345678",
        date(1980, 1, 2),
    )


def test_a_number_without_a_document_type_is_refused(people, tree):
    with pytest.raises(ValidationError) as caught:
        register(people.worker, tree.grid, document_type="none", id_number="12345678")
    assert "id_number" in caught.value.message_dict


def test_a_minor_needs_a_guardian_with_name_and_phone(people, tree):
    child = id_born(years_ago(10))
    client = client_for(people.worker)
    response = client.post(REGISTER, form_data(tree.grid, name="小明", id_number=child, phone=""))
    assert response.status_code == 200 and response.context["form"].errors["guardian_name"]
    response = client.post(
        REGISTER, form_data(tree.grid, name="小明", id_number=child, phone="", guardian_name="王芳")
    )
    assert response.status_code == 200 and response.context["form"].errors["guardian_name"]
    assert not Resident.objects.exists()

    response = client.post(
        REGISTER,
        form_data(
            tree.grid,
            name="小明",
            id_number=child,
            phone="",
            guardian_name="王芳",
            guardian_relation="母亲",
            guardian_phone="13700001111",
        ),
    )
    assert response.status_code == 302
    assert Resident.objects.get().guardian_phone == "+8613700001111"


# ---------------------------------------------------------------------------------------------
# One person, one record


@pytest.mark.parametrize(
    "typed",
    [
        {"id_number": valid_id(ZHANG_17)},
        {"id_number": " ".join([valid_id(ZHANG_17)[:6], valid_id(ZHANG_17)[6:14], valid_id(ZHANG_17)[14:]])},
        {"id_number": "", "phone": "139-1234-5678"},
        {"id_number": "", "phone": "+86 139 1234 5678"},
    ],
    ids=["same-id", "id-with-spaces", "phone-with-dashes", "phone-international"],
)
def test_registering_someone_again_shows_the_existing_archive(people, tree, resident, typed):
    before = Resident.objects.count()
    data = form_data(tree.willow, name="张三", phone="13600002222")
    data.update(typed)
    response = client_for(people.counsellor).post(REGISTER, data)
    assert response.status_code == 302 and response["Location"] == url("detail", resident.pk)
    assert Resident.objects.count() == before and Archive.objects.count() == before


def test_an_id_number_typed_in_lower_case_is_the_same_person(people, tree):
    first = register(people.worker, tree.grid, name="王芳", id_number=valid_id(WOMAN_WITH_X))
    response = client_for(people.worker).post(
        REGISTER, form_data(tree.grid, id_number=valid_id(WOMAN_WITH_X).lower(), phone="")
    )
    assert response.status_code == 302 and response["Location"] == url("detail", first.pk)
    assert Resident.objects.count() == 1


def test_a_duplicate_outside_ones_scope_gets_a_neutral_message_and_nothing_is_created(people, tree, resident):
    before = (Resident.objects.count(), Archive.objects.count())
    response = client_for(people.outsider).post(
        REGISTER,
        form_data(tree.pine, name="张小三", id_number=valid_id(ZHANG_17), phone="", address="松林路1号"),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    # Nothing about the person who is already registered leaks out.
    assert resident.archive.number not in body
    assert url("detail", resident.pk) not in body and "柳岸" not in body
    assert (Resident.objects.count(), Archive.objects.count()) == before


def test_a_duplicate_phone_outside_ones_scope_is_refused_the_same_way(people, tree, resident):
    response = client_for(people.outsider).post(
        REGISTER, form_data(tree.pine, name="张小三", id_number="", phone=ZHANG_PHONE)
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Resident.objects.count() == 1


def test_a_refused_duplicate_is_written_to_the_audit_log(people, tree, resident):
    client_for(people.outsider).post(REGISTER, form_data(tree.pine, id_number=valid_id(ZHANG_17), phone=""))
    entry = AuditEntry.objects.get(action="resident.duplicate_refused")
    assert entry.actor == people.outsider and entry.object_id == str(resident.pk)
    assert entry.details == {"by": "id_number"}


# ---------------------------------------------------------------------------------------------
# Who may register where


def test_registering_into_a_unit_outside_ones_scope_is_refused(people, tree):
    response = client_for(people.worker).post(REGISTER, form_data(tree.pine))
    assert response.status_code == 200 and response.context["form"].errors["org_unit"]
    with pytest.raises(PermissionDenied):
        resident_register(actor=people.worker, name="王芳", org_unit=tree.pine)
    with pytest.raises(PermissionDenied):
        resident_register(actor=people.counsellor, name="王芳", org_unit=tree.east)
    assert not Resident.objects.exists()


@pytest.mark.parametrize("role", ["finance", "admin", "volunteer", "lead", "supervisor"])
def test_roles_that_do_not_register_residents_cannot_open_or_use_the_screen(people, tree, role):
    client = client_for(getattr(people, role))
    entries = AuditEntry.objects.count()
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, form_data(tree.willow)).status_code == 403
    assert not Resident.objects.exists() and not Archive.objects.exists()
    assert AuditEntry.objects.count() == entries
    with pytest.raises(PermissionDenied):
        resident_register(actor=getattr(people, role), name="王芳", org_unit=tree.willow)


def test_the_register_screen_only_answers_get_and_post(people, tree):
    client = client_for(people.worker)
    assert client.get(REGISTER).status_code == 200
    assert client.put(REGISTER, form_data(tree.grid)).status_code == 405
    assert client.delete(REGISTER).status_code == 405
    assert not Resident.objects.exists()


def test_a_registration_opens_an_archive_and_is_audited(people, tree):
    response = client_for(people.worker).post(REGISTER, form_data(tree.grid, tags=["woman", "low_income"]))
    resident = Resident.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", resident.pk)
    assert resident.created_by == people.worker and resident.org_unit == tree.grid
    assert sorted(resident.tags.values_list("tag", flat=True)) == ["low_income", "woman"]
    assert resident.archive.status == "open" and resident.archive.risk_level == "none"
    entry = AuditEntry.objects.get(action="resident.registered")
    assert entry.details == {"archive": resident.archive.number}
