"""ASM-1: a centre holding a licence uploads an instrument file; it is validated first, then used
like a shipped one, its licence shown."""

from __future__ import annotations

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.library import SHIPPED_DIR, get_instrument
from assessments.models import UploadedInstrument
from assessments.scoring import score
from conftest import login_fully

pytestmark = pytest.mark.django_db

LIBRARY = reverse("assessments:library")


def licensed_file(code="licensed_scale", version="1") -> bytes:
    data = yaml.safe_load((SHIPPED_DIR / "phq9.yaml").read_text(encoding="utf-8"))
    data.update(code=code, version=version)
    data["licence"] = {
        "zh": "本中心已获授权使用（许可证号 2026-001）",
        "en": "Used under licence no. 2026-001",
    }
    return yaml.safe_dump(data, allow_unicode=True).encode()


def upload(client, content: bytes):
    return client.post(LIBRARY, {"file": SimpleUploadedFile("scale.yaml", content, content_type="text/yaml")})


def test_the_director_uploads_a_licensed_instrument_and_it_is_usable(people):
    client = login_fully(Client(), people.director)
    assert upload(client, licensed_file()).status_code == 302
    instrument = get_instrument("licensed_scale")
    assert score(instrument, [3] * 9).band == "severe"
    page = client.get(LIBRARY).content.decode()
    assert "licensed_scale" in page and "许可证号 2026-001" in page


def test_an_invalid_file_is_refused_with_the_reason(people):
    client = login_fully(Client(), people.director)
    response = upload(client, b"code: broken\nversion: '1'\n")
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not UploadedInstrument.objects.exists()


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(people, monkeypatch):
    """The form refuses it: the view never reads the file into memory for the service."""
    read_for_the_service = []
    monkeypatch.setattr("assessments.views.instrument_upload", lambda **kw: read_for_the_service.append(kw))
    monkeypatch.setattr("assessments.forms.MAX_FILE_BYTES", 100)
    response = upload(login_fully(Client(), people.director), licensed_file())
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["文件过大，不像是量表定义文件。"]
    assert not read_for_the_service and not UploadedInstrument.objects.exists()


def test_a_shipped_code_cannot_be_replaced(people):
    response = upload(login_fully(Client(), people.director), licensed_file(code="phq9"))
    assert response.context["form"].errors["file"]
    assert not UploadedInstrument.objects.exists()


def test_a_new_version_becomes_current_and_the_old_one_stays_readable(people):
    client = login_fully(Client(), people.director)
    upload(client, licensed_file(version="1"))
    upload(client, licensed_file(version="2"))
    assert get_instrument("licensed_scale").version == "2"
    assert get_instrument("licensed_scale", "1").version == "1"


def test_counsellors_read_the_library_but_cannot_upload(people):
    client = login_fully(Client(), people.counsellor)
    assert client.get(LIBRARY).status_code == 200
    assert upload(client, licensed_file()).status_code == 403
    assert not UploadedInstrument.objects.exists()
    assert login_fully(Client(), people.worker).get(LIBRARY).status_code == 403
    assert login_fully(Client(), people.director).put(LIBRARY).status_code == 405
