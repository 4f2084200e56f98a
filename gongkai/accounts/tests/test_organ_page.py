"""The organ's record and logo: edited by its administrators, checked, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.core.models import AuditEvent
from gongkai.core.tests.test_uploads import PNG

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_admin_edits_contacts_and_bad_codes_are_refused(world: Any, client: Client) -> None:
    client.force_login(world.users[Role.ADMIN])
    data = {
        "form": "organ",
        "name": world.organ.name,
        "credit_code": world.organ.credit_code,
        "address": "中山市东区示例路 2 号",
        "postcode": "528400",
        "review_kind": "department",
    }
    assert client.post("/staff/organ/edit/", data).status_code == 302
    world.organ.refresh_from_db()
    assert world.organ.address == "中山市东区示例路 2 号"
    bad = client.post(
        "/staff/organ/edit/", {**data, "credit_code": "11442000007350120X", "postcode": "52840"}
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "校验位不正确" in page
    assert "邮政编码应为 6 位数字" in page
    assert 'value="11442000007350120X"' in page


def test_logo_upload_is_checked_by_content(world: Any, client: Client, media: Any) -> None:
    client.force_login(world.users[Role.ADMIN])
    fake = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image")
    bad = client.post("/staff/organ/edit/", {"form": "logo", "logo": fake})
    assert bad.status_code == 400
    assert "不支持的文件类型" in bad.content.decode()
    good = SimpleUploadedFile("我们的标志.gif", PNG)
    assert client.post("/staff/organ/edit/", {"form": "logo", "logo": good}).status_code == 302
    world.organ.refresh_from_db()
    assert world.organ.logo.name.endswith(".png")
    assert "标志" not in world.organ.logo.name
    served = client.get(world.organ.logo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="accounts.organ.logo_changed").exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.EDITOR, Role.AUDITOR])
def test_only_admins_edit_the_organ(world: Any, client: Client, role: str) -> None:
    client.force_login(world.users[role])
    assert client.get("/staff/organ/edit/").status_code == 404
