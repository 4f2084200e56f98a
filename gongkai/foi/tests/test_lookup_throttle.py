"""The applicant's status lookup is throttled per request number and per client address
(等保 2.0; issue: hardening): guessing query codes stops at the limit, whatever the guess."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from gongkai.accounts.choices import Role
from gongkai.foi import services
from gongkai.foi.errors import TooManyRequests
from gongkai.foi.tests.test_services import APPLICANT

pytestmark = pytest.mark.django_db
MOMENT = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


def _request(world: Any) -> tuple[Any, str]:
    request, code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="in_person",
        arrived_on=dt.date(2026, 3, 2),
        **APPLICANT,
    )
    return request, code


def test_wrong_codes_for_one_number_stop_at_the_limit(world: Any) -> None:
    request, code = _request(world)
    organ = world.organ.pk
    with time_machine.travel(MOMENT, tick=False):
        for n in range(5):
            found = services.check_lookup(
                request.number, f"WRONG{n:03d}", organ_id=organ, ip=f"10.0.1.{n}"
            )
            assert found is None
        with pytest.raises(TooManyRequests, match="查询失败次数过多"):
            services.check_lookup(request.number, code, organ_id=organ, ip="10.0.2.1")
    with time_machine.travel(MOMENT + dt.timedelta(minutes=16), tick=False):
        assert services.check_lookup(request.number, code, organ_id=organ, ip="10.0.2.1")


def test_one_address_stops_at_its_limit_across_numbers(world: Any, settings: Any) -> None:
    settings.GONGKAI_FOI_LOOKUP_IP_MAX_FAILURES = 3
    request, code = _request(world)
    with time_machine.travel(MOMENT, tick=False):
        for n in range(3):
            services.check_lookup(f"YSQ-NONE-{n}", "X", organ_id=world.organ.pk, ip="10.9.9.9")
        with pytest.raises(TooManyRequests):
            services.check_lookup(request.number, code, organ_id=world.organ.pk, ip="10.9.9.9")
        assert services.check_lookup(request.number, code, organ_id=world.organ.pk, ip="10.9.9.8")


def test_the_status_page_says_so_and_keeps_the_number(world: Any, settings: Any) -> None:
    settings.GONGKAI_FOI_LOOKUP_MAX_FAILURES = 2
    request, code = _request(world)
    client = Client(REMOTE_ADDR="10.7.7.7")
    url = f"/ysqgk/{world.organ.pk}/status/"
    with time_machine.travel(MOMENT, tick=False):
        for _ in range(2):
            client.post(url, {"number": request.number, "code": "WRONGWRONG"})
        page = client.post(url, {"number": request.number, "code": code}).content.decode()
    assert "查询失败次数过多" in page
    assert request.number in page
    assert "答复期限" not in page
