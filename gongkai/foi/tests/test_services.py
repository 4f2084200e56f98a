"""Information requests: receipt by channel, the 20-working-day clock, 补正, consultation,
extension, one outcome per reply, idempotent public submission."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.foi import services
from gongkai.foi.errors import TooManyRequests, WrongRequestState
from gongkai.foi.validators import resident_id_check_char, validate_resident_id
from gongkai.workdays.clock import ClockError

pytestmark = pytest.mark.django_db
D = dt.date
ID17 = "44200019900101123"
RESIDENT_ID = ID17 + resident_id_check_char(ID17)
APPLICANT = {
    "applicant_type": "natural",
    "name": "张三",
    "id_type": "resident_id",
    "id_number": RESIDENT_ID,
    "phone": "13800000000",
    "email": "zs@example.com",
    "address": "中山市",
    "info_title": "2025年行政处罚决定书",
    "info_doc_number": "",
    "info_description": "律师行业",
    "provision_form": "electronic",
    "delivery": "email",
}


def test_resident_id_checksum() -> None:
    from django.core.exceptions import ValidationError

    validate_resident_id(RESIDENT_ID)
    wrong = ID17 + ("0" if RESIDENT_ID[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        validate_resident_id(wrong)
    with pytest.raises(ValidationError, match="出生日期"):
        validate_resident_id("44200019901301123X")


def test_in_person_application_starts_the_clock_that_day(world: Any) -> None:
    request, code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="in_person",
        arrived_on=D(2026, 9, 15),
        **APPLICANT,
    )
    assert len(code) == 8
    assert request.receipt_on == D(2026, 9, 15)
    assert request.clock.due_on == D(2026, 10, 19)
    assert request.status == "processing"


def test_online_application_waits_for_confirmation_and_is_idempotent(world: Any) -> None:
    first, code = services.submit_online(world.organ, submit_token="t1", ip="10.0.0.1", **APPLICANT)
    again, no_code = services.submit_online(
        world.organ, submit_token="t1", ip="10.0.0.1", **APPLICANT
    )
    assert again.pk == first.pk
    assert code
    assert no_code is None
    assert first.receipt_on is None
    assert first.clock is None
    confirmed = services.confirm_receipt(
        first,
        actor=world.users[Role.COORDINATOR],
        confirmed_on=first.arrived_at.date() + dt.timedelta(days=1),
    )
    assert confirmed.clock is not None


def test_rate_limit_per_ip(world: Any, settings: Any) -> None:
    settings.GONGKAI_FOI_SUBMISSIONS_PER_HOUR = 2
    for token in ("a", "b"):
        services.submit_online(world.organ, submit_token=token, ip="10.9.9.9", **APPLICANT)
    with pytest.raises(TooManyRequests):
        services.submit_online(world.organ, submit_token="c", ip="10.9.9.9", **APPLICANT)
    services.submit_online(world.organ, submit_token="d", ip="10.9.9.8", **APPLICANT)


def test_bad_identity_is_named_by_field(world: Any) -> None:
    with pytest.raises(InvalidInput) as error:
        services.submit_online(
            world.organ, submit_token="x", ip="", **{**APPLICANT, "id_number": ID17 + "Y"}
        )
    assert error.value.details == {"field": "id_number"}
    with pytest.raises(InvalidInput) as error:
        services.submit_online(
            world.organ,
            submit_token="y",
            ip="",
            **{
                **APPLICANT,
                "applicant_type": "business",
                "id_type": "credit_code",
                "id_number": "91350100M000100Y44",
            },
        )
    assert "校验位" in error.value.message


MARCH_2 = D(2026, 3, 2)


def on_day(day: dt.date) -> Any:
    """Freeze today at 09:00 Beijing time on ``day``: handling steps that pause or lengthen the
    reply period check that it has not run out by the day they are recorded."""
    import time_machine

    moment = dt.datetime.combine(day, dt.time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
    return time_machine.travel(moment, tick=False)


def _received(world: Any, day: dt.date = MARCH_2, **applicant: Any) -> Any:
    """A request handed in on ``day`` (so received that day), by ``applicant`` or 张三."""
    request, _code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="in_person",
        arrived_on=day,
        **(applicant or APPLICANT),
    )
    return request


def answer(request: Any, world: Any, *, on: dt.date, outcome: str, text: str) -> Any:
    """Reply as the coordinator; a reply that discloses is reviewed and signed that day by the
    reviewer and the leader (条例 第十七条)."""
    done = services.reply(
        request, actor=world.users[Role.COORDINATOR], on=on, outcome=outcome, text=text
    )
    if done.status == "reviewing":
        services.review_reply(done, actor=world.users[Role.REVIEWER], opinion="不涉密，同意公开")
        done = services.sign_reply(done, actor=world.users[Role.LEADER], on=on)
    return done


@on_day(MARCH_2)
def test_clarification_pauses_then_restarts_from_the_correction(world: Any) -> None:
    request = _received(world)
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="7 个工作日内"):
        services.request_clarification(
            request, actor=coordinator, on=D(2026, 3, 12), what="请说明文号", due_on=D(2026, 3, 20)
        )
    services.request_clarification(
        request, actor=coordinator, on=D(2026, 3, 4), what="请说明文号", due_on=D(2026, 3, 13)
    )
    request.refresh_from_db()
    assert request.status == "clarifying"
    assert request.clock.state == "paused"
    with pytest.raises(WrongRequestState):
        services.request_clarification(
            request, actor=coordinator, on=D(2026, 3, 5), what="x", due_on=D(2026, 3, 13)
        )
    services.receive_clarification(
        request, actor=coordinator, on=D(2026, 3, 10), text="文号为中司〔2025〕1号"
    )
    request.refresh_from_db()
    assert request.clock.due_on == D(2026, 4, 8)  # 20 working days after 03-10 (04-06 清明)


@on_day(MARCH_2)
def test_no_correction_in_time_closes_as_other_1(world: Any) -> None:
    request = _received(world)
    coordinator = world.users[Role.COORDINATOR]
    services.request_clarification(
        request, actor=coordinator, on=D(2026, 3, 4), what="请说明", due_on=D(2026, 3, 13)
    )
    with pytest.raises(InvalidInput, match="尚未届满"):
        services.close_unclarified(request, actor=coordinator, on=D(2026, 3, 13))
    closed = services.close_unclarified(request, actor=coordinator, on=D(2026, 3, 16))
    assert (closed.status, closed.outcome) == ("closed", "6.1")


@on_day(MARCH_2)
def test_consultation_time_is_excluded_and_extension_needs_a_leader(world: Any) -> None:
    request = _received(world)
    coordinator, leader = world.users[Role.COORDINATOR], world.users[Role.LEADER]
    services.start_consultation(request, actor=coordinator, on=D(2026, 3, 6), party="第三方")
    services.end_consultation(request, actor=coordinator, on=D(2026, 3, 13), opinion="agree")
    request.refresh_from_db()
    assert request.clock.due_on == D(2026, 4, 7)  # 03-30 plus the 5 paused working days
    with pytest.raises(NotPermitted):
        services.extend(request, actor=coordinator, on=D(2026, 3, 20), days=20, reason="量大")
    services.extend(request, actor=leader, on=D(2026, 3, 20), days=20, reason="涉及档案调取")
    with pytest.raises(ClockError, match="超过上限"):
        services.extend(request, actor=leader, on=D(2026, 3, 21), days=1, reason="再延")


def test_reply_with_one_outcome_stops_the_clock(world: Any) -> None:
    request = _received(world)
    with pytest.raises(InvalidInput):
        services.reply(
            request, actor=world.users[Role.COORDINATOR], on=D(2026, 3, 20), outcome="9", text="x"
        )
    done = answer(request, world, on=D(2026, 3, 20), outcome="2", text="部分公开，理由见告知书")
    assert (done.status, done.outcome) == ("replied", "2")
    assert done.clock.state == "stopped"
    with pytest.raises(WrongRequestState):
        services.reply(
            done, actor=world.users[Role.COORDINATOR], on=D(2026, 3, 21), outcome="1", text="again"
        )


def test_handling_unit_editors_may_act_others_may_not(world: Any) -> None:
    request = _received(world)
    services.assign(request, actor=world.users[Role.COORDINATOR], unit=world.other_unit)
    with pytest.raises(NotPermitted):
        services.reply(
            request, actor=world.users[Role.EDITOR], on=D(2026, 3, 20), outcome="1", text="x"
        )
    services.assign(request, actor=world.users[Role.COORDINATOR], unit=world.own_unit)
    services.reply(
        request, actor=world.users[Role.EDITOR], on=D(2026, 3, 20), outcome="1", text="予以公开"
    )


def test_applicant_withdraws_with_the_query_code(world: Any) -> None:
    request, code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="in_person",
        arrived_on=D(2026, 3, 2),
        **APPLICANT,
    )
    with pytest.raises(NotPermitted):
        services.withdraw_by_applicant(request, code="WRONG")
    closed = services.withdraw_by_applicant(request, code=code.lower())
    assert (closed.status, closed.outcome) == ("closed", "6.3")


def test_only_handlers_record_a_correction_the_applicant_may_send_it(world: Any) -> None:
    request, code = services.intake(
        world.organ,
        actor=world.users[Role.COORDINATOR],
        channel="in_person",
        arrived_on=D(2026, 3, 2),
        **APPLICANT,
    )
    services.assign(request, actor=world.users[Role.COORDINATOR], unit=world.other_unit)
    with on_day(D(2026, 3, 4)):
        services.request_clarification(
            request,
            actor=world.users[Role.COORDINATOR],
            on=D(2026, 3, 4),
            what="请说明",
            due_on=D(2026, 3, 13),
        )
    with pytest.raises(NotPermitted):
        services.receive_clarification(
            request, actor=world.users[Role.EDITOR], on=D(2026, 3, 10), text="文号"
        )
    with pytest.raises(NotPermitted):
        services.clarify_by_applicant(request, code="WRONG", text="文号")
    done = services.clarify_by_applicant(request, code=code, text="文号为中司〔2025〕1号")
    assert done.status == "processing"
    assert done.clarification_text == "文号为中司〔2025〕1号"
