"""The public application, the status lookup and the staff handling pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.core.models import AuditEvent
from gongkai.core.time import today_local
from gongkai.foi import services
from gongkai.foi.models import InfoRequest
from gongkai.foi.tests.test_services import APPLICANT

pytestmark = pytest.mark.django_db


def solve(question: str) -> str:
    """Answer the challenge as a person reads it: a sum, or digits written in Chinese."""
    found = re.search(r"(\d+) 加 (\d+)", question)
    if found is not None:
        return str(int(found.group(1)) + int(found.group(2)))
    words = question.rsplit("：", 1)[-1]
    digits = "".join(str("〇一二三四五六七八九".index(ch)) for ch in words if ch != "、")
    assert len(digits) == 4, question
    return digits


def _question(page: str) -> str:
    found = re.search(r'id="challenge-question">([^<]+)<', page)
    assert found is not None, "no challenge on the page"
    return found.group(1)


def _form_fields(page: str) -> dict[str, str]:
    """The form's hidden submit token and the challenge answered as the page asks it."""
    submit = re.search(r'name="submit_token" value="([^"]+)"', page)
    assert submit is not None
    return {"challenge_answer": solve(_question(page)), "submit_token": submit.group(1)}


def test_apply_online_then_look_up_the_status(world: Any) -> None:
    client = Client()
    page = client.get(f"/ysqgk/{world.organ.pk}/apply/").content.decode()
    fields = {**APPLICANT, **_form_fields(page)}
    response = client.post(f"/ysqgk/{world.organ.pk}/apply/", fields, follow=True)
    done = response.content.decode()
    number = re.search(r'id="application-number">([^<]+)<', done)
    code = re.search(r'id="query-code">([^<]+)<', done)
    assert number is not None
    assert code is not None
    again = client.post(f"/ysqgk/{world.organ.pk}/apply/", fields, follow=True)
    assert number.group(1) in again.content.decode()  # a double click shows the same application
    assert InfoRequest.objects.count() == 1
    status = client.post(
        f"/ysqgk/{world.organ.pk}/status/", {"number": number.group(1), "code": code.group(1)}
    ).content.decode()
    assert "待确认收到" in status
    wrong = client.post(
        f"/ysqgk/{world.organ.pk}/status/", {"number": number.group(1), "code": "00000000"}
    ).content.decode()
    assert "申请编号或查询码不正确" in wrong


def test_errors_keep_what_was_typed(world: Any) -> None:
    client = Client()
    page = client.get(f"/ysqgk/{world.organ.pk}/apply/").content.decode()
    fields = {**APPLICANT, **_form_fields(page), "id_number": "440200199001011234"}
    response = client.post(f"/ysqgk/{world.organ.pk}/apply/", fields)
    assert response.status_code == 400
    text = response.content.decode()
    assert "身份证号码校验位不正确" in text
    assert 'value="2025年行政处罚决定书"' in text
    assert "已通过验证" in text  # the answer was right: not asked again for this form
    fresh = client.get(f"/ysqgk/{world.organ.pk}/apply/").content.decode()
    wrong = {**APPLICANT, **_form_fields(fresh), "challenge_answer": "999"}
    response = client.post(f"/ysqgk/{world.organ.pk}/apply/", wrong)
    assert "回答不正确" in response.content.decode()
    assert not InfoRequest.objects.exists()


def test_staff_intake_handling_and_identity_views_are_logged(world: Any) -> None:
    client = Client()
    client.force_login(world.users[Role.COORDINATOR])
    response = client.post(
        "/staff/requests/intake/",
        {**APPLICANT, "channel": "in_person", "arrived_on": "2026-03-02"},
        follow=True,
    )
    assert "已登记" in response.content.decode()
    request = InfoRequest.objects.get()
    assert request.clock is not None
    assert AuditEvent.objects.filter(action="foi.identity.viewed").count() == 1
    queue = client.get("/staff/requests/").content.decode()
    assert request.masked_id in queue
    assert request.id_number not in queue
    client.post(
        f"/staff/requests/{request.pk}/action/",
        {"action": "reply", "outcome": "1", "text": "予以公开", "on": "2026-03-20"},
    )
    request.refresh_from_db()
    assert request.status == "reviewing"  # 保密审查 and 签发 first (条例 第十七条)
    reviewer, leader = Client(), Client()
    reviewer.force_login(world.users[Role.REVIEWER])
    leader.force_login(world.users[Role.LEADER])
    assert "review-reply-form" in reviewer.get(f"/staff/requests/{request.pk}/").content.decode()
    reviewer.post(
        f"/staff/requests/{request.pk}/action/",
        {"action": "review_reply", "opinion": "不涉密，同意公开"},
    )
    assert "sign-reply-form" in leader.get(f"/staff/requests/{request.pk}/").content.decode()
    leader.post(
        f"/staff/requests/{request.pk}/action/", {"action": "sign_reply", "on": "2026-03-20"}
    )
    request.refresh_from_db()
    assert request.status == "replied"
    assert request.replied_on == dt.date(2026, 3, 20)
    editor = Client()
    editor.force_login(world.users[Role.EDITOR])
    assert editor.get(f"/staff/requests/{request.pk}/").status_code == 404


def test_queue_pages_and_the_overdue_view(world: Any, monkeypatch: Any) -> None:
    from gongkai.foi.tests.test_services import _received, on_day
    from gongkai.foi.views import queue

    monkeypatch.setattr(queue, "QUEUE_PAGE_SIZE", 2)
    long_ago = today_local() - dt.timedelta(days=120)
    late = [_received(world, long_ago) for _ in range(3)]
    paused = _received(world, long_ago)
    with on_day(long_ago + dt.timedelta(days=1)):
        services.start_consultation(
            paused,
            actor=world.users[Role.COORDINATOR],
            on=long_ago + dt.timedelta(days=1),
            party="第三方",
        )
    _received(world, today_local())  # due 20 working days from today: never overdue
    client = Client()
    client.force_login(world.users[Role.COORDINATOR])

    def numbers(query: str) -> list[str]:
        page = client.get(f"/staff/requests/?{query}").content.decode()
        return re.findall(r'href="/staff/requests/\d+/">([^<]+)<', page)

    first, second = numbers("view=overdue"), numbers("view=overdue&page=2")
    assert sorted(first + second) == sorted(r.number for r in late)  # paused is not overdue
    assert len(first) == 2
    assert 'rel="next"' in client.get("/staff/requests/?view=overdue").content.decode()
    assert len(numbers("view=open")) == 2
