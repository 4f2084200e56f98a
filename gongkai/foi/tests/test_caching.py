"""Pages and files that show an applicant's identity are never kept by a browser or a proxy
(Cache-Control: no-store): the staff handling page, the applicant's status after lookup, the
letters, the queue and its export, the forms that echo what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.foi import services
from gongkai.foi.tests.test_services import APPLICANT, answer

pytestmark = pytest.mark.django_db


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_identity_pages_are_never_stored(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request, code = services.intake(
        world.organ,
        actor=coordinator,
        channel="in_person",
        arrived_on=dt.date(2026, 3, 2),
        **APPLICANT,
    )
    answer(request, world, on=dt.date(2026, 3, 10), outcome="1", text="见附件")
    staff = Client()
    staff.force_login(coordinator)
    letter = request.letters.get(kind="reply")
    staff_pages = [
        staff.get(f"/staff/requests/{request.pk}/"),
        staff.post(f"/staff/requests/{request.pk}/action/", {"action": "clarify", "what": ""}),
        staff.get("/staff/requests/"),
        staff.get("/staff/requests/export/"),
        staff.get("/staff/requests/intake/"),
        staff.get(f"/staff/requests/{request.pk}/letters/{letter.pk}/"),
    ]
    public = Client()
    organ = world.organ.pk
    public_pages = [
        public.get(f"/ysqgk/{organ}/apply/"),
        public.post(f"/ysqgk/{organ}/apply/", {"name": "张三"}),
        public.post(f"/ysqgk/{organ}/status/", {"number": request.number, "code": code}),
        public.get(f"/ysqgk/{organ}/letters/{letter.pk}/"),
        public.get(f"/ysqgk/{organ}/submitted/"),
    ]
    for response in staff_pages + public_pages:
        assert response.status_code in (200, 400), response
        assert _no_store(response), response
    assert public_pages[2].content.decode().count(request.info_title)


def test_public_pages_without_identity_may_be_cached(world: Any) -> None:
    response = Client().get("/robots.txt")
    assert not _no_store(response)
