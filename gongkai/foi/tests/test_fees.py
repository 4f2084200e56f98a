"""信息处理费 tiers (国办函〔2020〕109号, RULES §4) and the fee notice in the handling flow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput
from gongkai.foi import fees, services
from gongkai.foi.errors import WrongRequestState
from gongkai.foi.tests.test_services import APPLICANT, _received, on_day
from gongkai.foi.validators import resident_id_check_char

D = dt.date
ITEM = fees.parse_tiers("10:0,30:100,+10:+100")
PAGES = fees.parse_tiers("30:0,100:10,200:20,*:40")


@pytest.mark.parametrize(
    ("n", "price"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (45, 300), (51, 400)],
)
def test_per_item_price_by_place_in_the_month(n: int, price: int) -> None:
    assert fees.per_item_fee(ITEM, n).amount == price


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(1, 0), (30, 0), (31, 10), (100, 700), (150, 700 + 50 * 20), (250, 700 + 2000 + 50 * 40)],
)
def test_per_volume_fee_is_progressive(pages: int, amount: int) -> None:
    assert fees.per_volume_fee(PAGES, pages).amount == amount


def test_volume_breakdown_names_each_tier() -> None:
    text = fees.per_volume_fee(PAGES, 150).breakdown
    assert "第31–100页 70 页 × 10 元" in text
    assert "第101–150页 50 页 × 20 元" in text


@pytest.mark.parametrize("bad", ["", "10", "10:0,5:100", "a:b", "10:0,+0:+100", "*:40,10:0"])
def test_malformed_tiers_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="bad tier"):
        fees.parse_tiers(bad)


def test_a_bad_tier_setting_stops_start_up(monkeypatch: Any) -> None:
    from config.env import env_tiers

    monkeypatch.setenv("GONGKAI_FOI_FEE_ITEM_TIERS", "10:0,5:100")
    with pytest.raises(ImproperlyConfigured, match="GONGKAI_FOI_FEE_ITEM_TIERS"):
        env_tiers("GONGKAI_FOI_FEE_ITEM_TIERS", "10:0")


@pytest.mark.django_db
@on_day(D(2026, 3, 2))
def test_fee_notice_counts_the_applicants_month_and_pauses_the_clock(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    requests = [_received(world, D(2026, 3, 2) + dt.timedelta(days=i % 20)) for i in range(11)]
    other_id = "11010519491231002"
    other_id += resident_id_check_char(other_id)
    other = _received(world, D(2026, 3, 3), **{**APPLICANT, "id_number": other_id})
    april = _received(world, D(2026, 4, 1))
    tenth, eleventh = requests[9], requests[10]
    with pytest.raises(InvalidInput, match="未超过免费额度"):
        services.issue_fee_notice(tenth, actor=coordinator, on=D(2026, 3, 25), method="item")
    with pytest.raises(InvalidInput, match="未超过免费额度"):  # another applicant's first
        services.issue_fee_notice(other, actor=coordinator, on=D(2026, 3, 25), method="item")
    with pytest.raises(InvalidInput, match="未超过免费额度"):  # a new month starts again
        services.issue_fee_notice(april, actor=coordinator, on=D(2026, 4, 2), method="item")
    before = eleventh.clock.due_on
    notice = services.issue_fee_notice(
        eleventh, actor=coordinator, on=D(2026, 3, 25), method="item"
    )
    assert (notice.month_count, notice.amount) == (11, 100)
    assert notice.pay_due_on == D(2026, 4, 23)  # 20 working days (清明 on 4-6)
    eleventh.refresh_from_db()
    assert eleventh.status == "payment"
    assert eleventh.clock.due_on is None
    assert eleventh.letters.last().kind == "fee"
    assert "100元" in eleventh.letters.last().body
    with pytest.raises(WrongRequestState):  # one notice per application
        services.issue_fee_notice(eleventh, actor=coordinator, on=D(2026, 3, 26), method="item")
    paid = services.record_payment(eleventh, actor=coordinator, on=D(2026, 4, 1))
    assert paid.status == "processing"
    # 2026-03-25 … 04-01 (5 working days from the 26th) are excluded: the due date moves by 5
    assert paid.clock.due_on == services.get_calendar().add_working_days(before, 5).date
    assert paid.queue_due_on == paid.clock.due_on


@pytest.mark.django_db
@on_day(D(2026, 3, 2))
def test_unpaid_fee_closes_as_other_2_only_after_the_deadline(world: Any) -> None:
    coordinator = world.users[Role.COORDINATOR]
    request = _received(world, D(2026, 3, 2))
    notice = services.issue_fee_notice(
        request, actor=coordinator, on=D(2026, 3, 5), method="volume", pages=150
    )
    assert notice.amount == 1700
    with pytest.raises(InvalidInput, match="尚未届满"):
        services.close_unpaid(request, actor=coordinator, on=notice.pay_due_on)
    closed = services.close_unpaid(
        request, actor=coordinator, on=notice.pay_due_on + dt.timedelta(days=1)
    )
    assert (closed.status, closed.outcome, closed.is_open) == ("closed", "6.2", False)
    letter = closed.letters.last()
    assert letter.kind == "termination"
    assert "逾期未按收费通知要求缴纳" in letter.body


@pytest.mark.django_db
@on_day(D(2026, 3, 2))
def test_volume_fee_needs_pages(world: Any) -> None:
    request = _received(world, D(2026, 3, 2))
    with pytest.raises(InvalidInput) as caught:
        services.issue_fee_notice(
            request, actor=world.users[Role.COORDINATOR], on=D(2026, 3, 5), method="volume"
        )
    assert caught.value.details == {"field": "pages"}
