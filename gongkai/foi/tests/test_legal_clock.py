"""Clocks that never shorten an applicant's time: no extension, pause or fee notice once the
reply period has run out (条例 第三十三条; 国办函〔2020〕109号), and a plain letter counted from the
day it arrived (第三十一条; RULES §2.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput
from gongkai.foi import services
from gongkai.foi.selectors import list_requests
from gongkai.foi.tests.test_services import APPLICANT, _received, on_day

pytestmark = pytest.mark.django_db
D = dt.date
RECEIVED = D(2026, 3, 2)  # a Monday; 20 working days later is Monday 30 March
DUE = D(2026, 3, 30)


def _overdue_numbers(world: Any, today: dt.date) -> set[str]:
    rows = list_requests(
        world.users[Role.COORDINATOR], organ=world.organ, view="overdue", today=today
    )
    return {r.number for r in rows}


def test_the_reply_period_of_the_case(world: Any) -> None:
    assert _received(world, RECEIVED).clock.due_on == DUE


def test_an_extension_dated_after_the_deadline_is_refused(world: Any) -> None:
    request = _received(world, RECEIVED)
    leader = world.users[Role.LEADER]
    with on_day(D(2026, 3, 31)), pytest.raises(InvalidInput, match="2026-03-30 届满") as caught:
        services.extend(request, actor=leader, on=D(2026, 3, 31), days=10, reason="量大")
    assert caught.value.details == {"field": "on"}
    assert request.number in _overdue_numbers(world, D(2026, 3, 31))


def test_an_extension_backdated_after_the_deadline_is_refused(world: Any) -> None:
    """Recorded on 31 March with the date of 27 March: the request was already overdue."""
    request = _received(world, RECEIVED)
    with on_day(D(2026, 3, 31)), pytest.raises(InvalidInput, match="届满"):
        services.extend(
            request, actor=world.users[Role.LEADER], on=D(2026, 3, 27), days=10, reason="量大"
        )
    request.refresh_from_db()
    assert request.due_on == DUE
    assert request.number in _overdue_numbers(world, D(2026, 3, 31))


def test_an_extension_on_the_last_day_is_accepted(world: Any) -> None:
    request = _received(world, RECEIVED)
    with on_day(DUE):
        services.extend(
            request, actor=world.users[Role.LEADER], on=DUE, days=5, reason="需要检索档案"
        )
    request.refresh_from_db()
    assert request.due_on == D(2026, 4, 7)  # 5 more working days; 清明 4-4..4-6 is not counted


@pytest.mark.parametrize("step", ["consultation", "fee", "clarification"])
def test_no_pause_once_the_period_ran_out(world: Any, step: str) -> None:
    request = _received(world, RECEIVED)
    coordinator = world.users[Role.COORDINATOR]
    steps = {
        "consultation": lambda: services.start_consultation(
            request, actor=coordinator, on=DUE, party="第三方"
        ),
        "fee": lambda: services.issue_fee_notice(
            request, actor=coordinator, on=DUE, method="volume", pages=150
        ),
        "clarification": lambda: services.request_clarification(
            request, actor=coordinator, on=D(2026, 3, 4), what="文号", due_on=D(2026, 4, 10)
        ),
    }
    with on_day(D(2026, 4, 1)), pytest.raises(InvalidInput, match="届满"):
        steps[step]()
    request.refresh_from_db()
    assert request.status == "processing"
    assert request.number in _overdue_numbers(world, D(2026, 4, 1))


def test_a_fee_notice_within_the_period_is_accepted(world: Any) -> None:
    request = _received(world, RECEIVED)
    with on_day(DUE):
        notice = services.issue_fee_notice(
            request, actor=world.users[Role.COORDINATOR], on=DUE, method="volume", pages=150
        )
    assert notice.amount > 0


def _plain_letter(world: Any, **extra: Any) -> Any:
    request, _code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="post_plain",
        arrived_on=RECEIVED,
        **extra,
        **APPLICANT,
    )
    return request


def test_a_plain_letter_confirmed_later_needs_a_reason_and_counts_from_its_arrival(
    world: Any,
) -> None:
    request = _plain_letter(world)
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="当日") as caught:
        services.confirm_receipt(request, actor=coordinator, confirmed_on=D(2026, 3, 5))
    assert caught.value.details == {"field": "reason"}
    done = services.confirm_receipt(
        request, actor=coordinator, confirmed_on=D(2026, 3, 5), reason="申请人电话无人接听"
    )
    assert done.receipt_on == RECEIVED
    assert done.receipt_confirmed_on == D(2026, 3, 5)
    assert done.clock.due_on == DUE


def test_a_plain_letter_confirmed_on_arrival_counts_from_that_day(world: Any) -> None:
    done = services.confirm_receipt(
        _plain_letter(world), actor=world.users[Role.COORDINATOR], confirmed_on=RECEIVED
    )
    assert done.receipt_on == RECEIVED
    assert done.receipt_late_reason == ""


def test_a_plain_letter_registered_with_a_later_receipt_day_needs_a_reason(world: Any) -> None:
    with pytest.raises(InvalidInput, match="当日"):
        _plain_letter(world, receipt_on=D(2026, 3, 6))
    request = _plain_letter(world, receipt_on=D(2026, 3, 6), receipt_reason="信件转交延误")
    assert request.receipt_on == RECEIVED
    assert request.clock.due_on == DUE


def test_an_online_application_counts_from_the_confirmation(world: Any) -> None:
    """双方确认之日 (第三十一条第（三）项): a fax or online application waits for confirmation."""
    request, _code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="fax",
        arrived_on=RECEIVED,
        **APPLICANT,
    )
    done = services.confirm_receipt(
        request, actor=world.users[Role.COORDINATOR], confirmed_on=D(2026, 3, 3)
    )
    assert done.receipt_on == D(2026, 3, 3)
