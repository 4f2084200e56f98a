"""Posts too large for the public form: a file over the limit is skipped as it arrives (never
stored) and reported beside its field, with everything typed kept; a body whose text alone is
too large gets the form again with a notice, not a bare error page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.test import Client

from gongkai.foi.models import InfoRequest, RequestAttachment
from gongkai.foi.services import ATTACHMENT_POLICY
from gongkai.foi.tests.test_letters import PNG
from gongkai.foi.tests.test_pages import _form_fields
from gongkai.foi.tests.test_services import APPLICANT

pytestmark = pytest.mark.django_db


def _csrf(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


@pytest.fixture
def stored(monkeypatch: Any) -> list[int]:
    """The bytes of uploaded files that reached Django's own handlers (memory or disk)."""
    received: list[int] = []
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self: Any, raw_data: bytes, start: int, original: Any = original) -> Any:
            if getattr(self, "activated", True):  # the memory handler passes big files on
                received.append(len(raw_data))
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return received


def test_an_oversized_file_is_refused_beside_its_field_and_the_rest_is_kept(
    world: Any, stored: list[int]
) -> None:
    url = f"/ysqgk/{world.organ.pk}/apply/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    fields = {**APPLICANT, **_form_fields(page), "csrfmiddlewaretoken": _csrf(page)}
    big = SimpleUploadedFile("扫描件.png", PNG + b"\0" * (ATTACHMENT_POLICY.limit + 1024 * 1024))
    response = client.post(url, {**fields, "id_copy": big, "info_description": "请提供全文"})
    assert response.status_code == 400
    text = response.content.decode()
    error = re.search(r'id="id_id_copy-error">([^<]+)<', text)
    assert error is not None
    assert "文件超过 10.0\xa0MB，未能上传" in error.group(1)
    assert 'value="2025年行政处罚决定书"' in text
    assert "请提供全文" in text
    assert "已通过验证" in text
    assert not RequestAttachment.objects.exists()
    assert sum(stored) <= ATTACHMENT_POLICY.limit  # skipped as it arrived, never stored whole
    small = SimpleUploadedFile("扫描件.png", PNG)
    done = client.post(url, {**fields, "id_copy": small, "csrfmiddlewaretoken": _csrf(text)})
    assert done.status_code == 302
    assert InfoRequest.objects.get().attachments.get().original_name == "扫描件.png"


def test_a_body_too_large_to_read_gets_the_form_again_with_a_notice(
    world: Any, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    url = f"/ysqgk/{world.organ.pk}/apply/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    fields = {**APPLICANT, **_form_fields(page), "csrfmiddlewaretoken": _csrf(page)}
    response = client.post(url, {**fields, "info_description": "长" * 100_000})
    assert response.status_code == 413
    text = response.content.decode()
    assert "提交的内容超过大小上限" in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert 'id="challenge-question"' in text
    assert not InfoRequest.objects.exists()


def test_the_file_fields_tell_the_browser_their_limit(world: Any) -> None:
    page = Client().get(f"/ysqgk/{world.organ.pk}/apply/").content.decode()
    for name in ("id_copy", "authorization"):
        field = re.search(rf'<input type="file" name="{name}"[^>]*>', page)
        assert field is not None
        assert f'data-max-bytes="{ATTACHMENT_POLICY.limit}"' in field.group(0)
        assert "data-too-large=" in field.group(0)
    assert 'maxlength="2000"' in page  # the description cannot grow past what is stored
