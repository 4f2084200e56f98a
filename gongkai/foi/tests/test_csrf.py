"""A failed CSRF check on a public form (the page stayed open too long, cookies cleared): the
application form comes back in Chinese with what was typed and the files staged before, a
fresh token and a notice; other forms get a Chinese page in their layout with a back link."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.foi.models import InfoRequest
from gongkai.foi.tests.test_letters import PNG
from gongkai.foi.tests.test_pages import _question, solve
from gongkai.foi.tests.test_services import APPLICANT

pytestmark = pytest.mark.django_db


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found is not None, name
    return found.group(1)


def test_an_expired_application_comes_back_filled_in(world: Any) -> None:
    url = f"/ysqgk/{world.organ.pk}/apply/"
    client = Client(enforce_csrf_checks=True)
    page = client.get(url).content.decode()
    token, csrf = _hidden(page, "submit_token"), _hidden(page, "csrfmiddlewaretoken")
    first = client.post(
        url,
        {
            **APPLICANT,
            "phone": "",
            "submit_token": token,
            "csrfmiddlewaretoken": csrf,
            "id_copy": SimpleUploadedFile("身份证.png", PNG),
        },
    )
    assert "已上传：身份证.png" in first.content.decode()
    client.cookies.pop("csrftoken")  # the browser lost the cookie meanwhile
    expired = client.post(
        url,
        {
            **APPLICANT,
            "submit_token": token,
            "csrfmiddlewaretoken": csrf,
            "authorization": SimpleUploadedFile("委托书.png", PNG + b"secret-content"),
        },
    )
    assert expired.status_code == 403
    text = expired.content.decode()
    assert "页面已过期，请核对后重新提交" in text
    assert 'value="2025年行政处罚决定书"' in text
    assert 'value="13800000000"' in text or APPLICANT["phone"] in text
    assert "已上传：身份证.png" in text  # staged before: kept
    assert "页面已过期，文件未保存，请重新选择" in text  # the new file was not kept
    assert "secret-content" not in text
    assert "Forbidden" not in text
    assert _hidden(text, "submit_token") == token
    fresh = _hidden(text, "csrfmiddlewaretoken")
    again = client.post(
        url,
        {
            **APPLICANT,
            "submit_token": token,
            "csrfmiddlewaretoken": fresh,
            "challenge_answer": solve(_question(text)),
        },
    )
    assert again.status_code == 302, again.content.decode()[:2000]
    request = InfoRequest.objects.get()
    assert [a.original_name for a in request.attachments.all()] == ["身份证.png"]


def test_another_public_form_gets_a_chinese_page_with_a_way_back(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    status = f"/ysqgk/{world.organ.pk}/status/"
    response = client.post(
        status, {"number": "YSQ1", "code": "X"}, HTTP_REFERER=f"http://testserver{status}"
    )
    assert response.status_code == 403
    text = response.content.decode()
    assert "页面已过期" in text
    assert f'href="http://testserver{status}"' in text
    assert 'class="site-header"' in text  # the site's layout, with the organ's name
    assert world.organ.name in text
    foreign = client.post(status, {}, HTTP_REFERER="https://evil.example/")
    assert 'id="back-link"' in foreign.content.decode()
    assert "evil.example" not in foreign.content.decode()


def test_a_staff_form_gets_a_chinese_page_in_the_workspace_layout(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.COORDINATOR])
    response = client.post("/staff/requests/intake/", {"name": "张三"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "页面已过期" in text
    assert 'href="/staff/"' in text
    assert "政务公开工作平台" in text
