"""The §3.4 table: one count per request, its applicant's column, the balance check."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts.choices import Role
from gongkai.foi import services
from gongkai.foi.counting import annual_table
from gongkai.foi.tests.test_services import APPLICANT, _received, answer

pytestmark = pytest.mark.django_db
D = dt.date
COMPANY = {
    **APPLICANT,
    "applicant_type": "business",
    "id_type": "credit_code",
    "id_number": "91350100M000100Y43",
    "name": "某公司",
}


def test_table_counts_and_balances(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    carried = _received(world, D(2025, 12, 22))  # received last year, answered this year
    answer(carried, world, on=D(2026, 1, 8), outcome="1", text="公开")
    partial = _received(world, D(2026, 3, 2), **COMPANY)
    answer(partial, world, on=D(2026, 3, 20), outcome="2", text="部分")
    _received(world, D(2026, 12, 28))  # still open at year end
    old = _received(world, D(2025, 5, 6))
    services.reply(old, actor=coordinator, on=D(2025, 5, 20), outcome="4.1", text="不掌握")
    table = annual_table(world.organ, 2026)
    assert table.new == {
        "natural": 1,
        "business": 1,
        "research": 0,
        "nonprofit": 0,
        "legal_service": 0,
        "other_org": 0,
        "total": 2,
    }
    assert table.carried_in["natural"] == 1
    assert table.outcomes["1"]["natural"] == 1
    assert table.outcomes["2"]["business"] == 1
    assert table.outcomes["4.1"]["total"] == 0  # answered in 2025
    assert table.total["total"] == 2
    assert table.carried_out["total"] == 1
    assert table.balanced
    last_year = annual_table(world.organ, 2025)
    assert last_year.carried_out["total"] == table.carried_in["total"]
    assert last_year.balanced
