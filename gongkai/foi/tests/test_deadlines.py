"""Deadlines stored on fee notices, consultations and 补正 follow the calendar: a holiday notice
or a corrected day moves them in the same transaction, and the close-on-expiry checks count
them again with the current calendar, so a stale date never shortens the applicant's time.

2027 has no notice in the seeded calendar: it is provisional (weekends, statutory holidays and
their 补假). The test notice (``workdays/tests/notices/2027-example.txt``) then makes 春节
02-05 … 02-12 with 02-20 (Sat) worked, and 国庆 10-01 … 10-07 with 10-09 (Sat) worked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gongkai.accounts.choices import Role
from gongkai.core.errors import InvalidInput
from gongkai.core.models import AuditEvent
from gongkai.foi import receivers, services
from gongkai.foi.models import Consultation, FeeNotice, InfoRequest
from gongkai.foi.tests.test_services import _received, on_day
from gongkai.workdays import services as calendar_services
from gongkai.workdays.notice import parse_notice
from gongkai.workdays.signals import calendar_changed

pytestmark = pytest.mark.django_db
D = dt.date
NOTICE_2027 = Path(__file__).parents[2] / "workdays" / "tests" / "notices" / "2027-example.txt"


@pytest.fixture
def admin(world: Any) -> Any:
    user = world.users[Role.ADMIN]
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def _import_2027(actor: Any) -> None:
    text = NOTICE_2027.read_text(encoding="utf-8")
    calendar_services.import_notice(parse_notice(text), actor=actor, text=text)


@pytest.fixture
def without_receiver() -> Iterator[None]:
    """The calendar changes but foi is not told: its stored dates go stale."""
    calendar_changed.disconnect(dispatch_uid=receivers.RECOMPUTE_UID)
    try:
        yield
    finally:
        receivers.connect()


def _fee_2027(world: Any) -> tuple[InfoRequest, FeeNotice]:
    request = _received(world, D(2027, 1, 25))
    notice = services.issue_fee_notice(
        request, actor=world.users[Role.COORDINATOR], on=D(2027, 2, 1), method="volume", pages=150
    )
    # provisional: 02-02 … 02-04 (3), 补假 02-09/10 off, 02-11 … 02-12 (5), 02-15 … 03-05 (20)
    assert notice.pay_due_on == D(2027, 3, 5)
    return request, notice


# The notice: 02-02 … 02-04 (3), break to 02-12, 02-15 … 02-19 (8), 02-20 Sat (9),
# 02-22 … 02-26 (14), 03-01 … 03-05 (19), 03-08 (20).
FEE_DUE_WITH_NOTICE = D(2027, 3, 8)


def test_notice_import_moves_the_payment_deadline_and_close_unpaid_waits(
    world: Any, admin: Any
) -> None:
    request, notice = _fee_2027(world)
    _import_2027(admin)
    notice.refresh_from_db()
    assert notice.pay_due_on == FEE_DUE_WITH_NOTICE
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="尚未届满"):
        services.close_unpaid(request, actor=coordinator, on=D(2027, 3, 8))
    closed = services.close_unpaid(request, actor=coordinator, on=D(2027, 3, 9))
    assert closed.outcome == "6.2"
    event = AuditEvent.objects.get(action="foi.deadline.recomputed")
    assert (event.actor_id, event.object_id) == (admin.pk, str(request.pk))
    assert event.changes_data == {
        "deadline": "fee_payment",
        "id": notice.pk,
        "before": "2027-03-05",
        "after": "2027-03-08",
    }


def test_payment_deadline_counts_from_delivery_when_recomputed(world: Any, admin: Any) -> None:
    request, notice = _fee_2027(world)
    services.record_delivery(
        request.letters.get(kind="fee"),
        actor=world.users[Role.COORDINATOR],
        method="post",
        sent_on=D(2027, 2, 1),
        delivered_on=D(2027, 2, 3),
    )
    _import_2027(admin)
    notice.refresh_from_db()
    # from 02-03: 02-04 (1), 02-15 … 02-19 (6), 02-20 (7), 02-22 … 03-05 (17), 03-08 … 03-10
    assert notice.pay_due_on == D(2027, 3, 10)


def test_deadlines_move_in_the_same_transaction_as_the_notice(
    world: Any, admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _request, notice = _fee_2027(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _import_2027(admin)
        notice.refresh_from_db()
        assert notice.pay_due_on == FEE_DUE_WITH_NOTICE
    assert len(callbacks) == 1  # the clock task, still waiting for the commit


@on_day(D(2026, 3, 5))
def test_a_corrected_day_moves_the_payment_deadline_at_once(world: Any, admin: Any) -> None:
    request = _received(world, D(2026, 3, 2))
    notice = services.issue_fee_notice(
        request, actor=world.users[Role.COORDINATOR], on=D(2026, 3, 5), method="volume", pages=150
    )
    # 03-06 (1), 03-09 … 03-13 (6), … 03-30 … 04-02 (20)
    assert notice.pay_due_on == D(2026, 4, 2)
    calendar_services.correct_day(
        D(2026, 3, 9), actor=admin, kind="holiday", name="临时放假", reason="测试"
    )
    notice.refresh_from_db()
    assert notice.pay_due_on == D(2026, 4, 3)
    assert AuditEvent.objects.filter(action="foi.deadline.recomputed", actor_id=admin.pk).exists()


def test_a_stale_payment_deadline_never_shortens_the_time_to_pay(
    world: Any, admin: Any, without_receiver: None
) -> None:
    request, notice = _fee_2027(world)
    _import_2027(admin)
    notice.refresh_from_db()
    assert notice.pay_due_on == D(2027, 3, 5)  # stale
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="2027-03-08"):
        services.close_unpaid(request, actor=coordinator, on=D(2027, 3, 8))
    paid = services.record_payment(request, actor=coordinator, on=D(2027, 3, 8))
    assert paid.status == "processing"


def _fee_before_labour_day_2027(world: Any) -> tuple[InfoRequest, FeeNotice]:
    request = _received(world, D(2027, 4, 19))
    notice = services.issue_fee_notice(
        request, actor=world.users[Role.COORDINATOR], on=D(2027, 4, 20), method="volume", pages=150
    )
    # provisional: 04-21 … 04-23 (3), 04-26 … 04-30 (8), 劳动节 05-01/02 and 补假 05-03/04 off,
    # 05-05 … 05-07 (11), 05-10 … 05-14 (16), 05-17 … 05-20 (20)
    assert notice.pay_due_on == D(2027, 5, 20)
    return request, notice


# The notice works 04-25 (Sun) and 05-08 (Sat) and rests 05-01 … 05-05: 04-21 … 04-23 (3),
# 04-25 (4), 04-26 … 04-30 (9), 05-06 … 05-07 (11), 05-08 (12), 05-10 … 05-14 (17),
# 05-17 … 05-19 (20): one day earlier.
def test_make_up_days_in_the_notice_move_the_payment_deadline_earlier(
    world: Any, admin: Any
) -> None:
    request, notice = _fee_before_labour_day_2027(world)
    _import_2027(admin)
    notice.refresh_from_db()
    assert notice.pay_due_on == D(2027, 5, 19)
    closed = services.close_unpaid(request, actor=world.users[Role.COORDINATOR], on=D(2027, 5, 20))
    assert closed.outcome == "6.2"


def test_a_stored_date_later_than_the_count_is_honoured(
    world: Any, admin: Any, without_receiver: None
) -> None:
    request, _notice = _fee_before_labour_day_2027(world)
    _import_2027(admin)
    # the applicant was shown 05-20; the calendar now counts 05-19
    with pytest.raises(InvalidInput, match="2027-05-20"):
        services.close_unpaid(request, actor=world.users[Role.COORDINATOR], on=D(2027, 5, 20))


def _consultation_2027(world: Any) -> tuple[InfoRequest, Consultation]:
    request = _received(world, D(2027, 9, 20))
    consultation = services.start_consultation(
        request, actor=world.users[Role.COORDINATOR], on=D(2027, 9, 27), party="市财政局"
    )
    # provisional: 09-28 … 09-30 (3), 国庆 10-01 … 10-03 and 补假 10-04/05 off,
    # 10-06 … 10-08 (6), 10-11 … 10-15 (11), 10-18 … 10-21 (15)
    assert consultation.answer_due_on == D(2027, 10, 21)
    return request, consultation


# The notice: 09-28 … 09-30 (3), break to 10-07, 10-08 (4), 10-09 Sat (5), 10-11 … 10-15 (10),
# 10-18 … 10-22 (15).
ANSWER_DUE_WITH_NOTICE = D(2027, 10, 22)


def test_notice_import_moves_the_consultation_deadline_and_silence_waits(
    world: Any, admin: Any
) -> None:
    request, consultation = _consultation_2027(world)
    _import_2027(admin)
    consultation.refresh_from_db()
    assert consultation.answer_due_on == ANSWER_DUE_WITH_NOTICE
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="尚未届满"):
        services.end_consultation(request, actor=coordinator, on=D(2027, 10, 22))
    ended = services.end_consultation(request, actor=coordinator, on=D(2027, 10, 25))
    assert ended.clock.events.last().on == ANSWER_DUE_WITH_NOTICE  # resumes at the period's end


def test_a_stale_consultation_deadline_never_cuts_the_period_short(
    world: Any, admin: Any, without_receiver: None
) -> None:
    request, consultation = _consultation_2027(world)
    _import_2027(admin)
    consultation.refresh_from_db()
    assert consultation.answer_due_on == D(2027, 10, 21)  # stale
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="2027-10-22"):
        services.end_consultation(request, actor=coordinator, on=D(2027, 10, 22))
    ended = services.end_consultation(request, actor=coordinator, on=D(2027, 10, 25))
    assert ended.clock.events.last().on == ANSWER_DUE_WITH_NOTICE


def _clarifying_2027(world: Any, **deadline: Any) -> InfoRequest:
    request = _received(world, D(2027, 1, 27))
    return services.request_clarification(
        request,
        actor=world.users[Role.COORDINATOR],
        on=D(2027, 1, 28),
        what="请写明文号",
        **deadline,
    )


# provisional: 01-29 (1), 02-01 … 02-04 (5), 02-11 … 02-12 (7), 02-15 … 02-17 (10);
# the notice: 01-29 (1), 02-01 … 02-04 (5), break to 02-12, 02-15 … 02-19 (10).
CLARIFICATION_DUE_WITH_NOTICE = D(2027, 2, 19)


def test_notice_import_moves_a_clarification_deadline_given_in_days(world: Any, admin: Any) -> None:
    request = _clarifying_2027(world, days=10)
    assert (request.clarification_due_on, request.clarification_days) == (D(2027, 2, 17), 10)
    _import_2027(admin)
    request.refresh_from_db()
    assert request.clarification_due_on == CLARIFICATION_DUE_WITH_NOTICE
    coordinator = world.users[Role.COORDINATOR]
    with pytest.raises(InvalidInput, match="尚未届满"):
        services.close_unclarified(request, actor=coordinator, on=D(2027, 2, 19))
    closed = services.close_unclarified(request, actor=coordinator, on=D(2027, 2, 22))
    assert closed.outcome == "6.1"


def test_a_stale_clarification_deadline_never_shortens_the_time_to_correct(
    world: Any, admin: Any, without_receiver: None
) -> None:
    request = _clarifying_2027(world, days=10)
    _import_2027(admin)
    request.refresh_from_db()
    assert request.clarification_due_on == D(2027, 2, 17)  # stale
    with pytest.raises(InvalidInput, match="2027-02-19"):
        services.close_unclarified(request, actor=world.users[Role.COORDINATOR], on=D(2027, 2, 18))


def test_staff_page_and_api_give_the_clarification_period_in_days(world: Any) -> None:
    from django.test import Client

    from gongkai.foi.tests.test_api import _headers

    coordinator = world.users[Role.COORDINATOR]
    by_page, by_api = _received(world, D(2027, 1, 27)), _received(world, D(2027, 1, 27))
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        f"/staff/requests/{by_page.pk}/action/",
        {"action": "clarify", "on": "2027-01-28", "what": "请写明文号", "days": "10", "due_on": ""},
    )
    assert response.status_code == 302, response.content.decode()
    response = Client().post(
        f"/api/v1/foi/requests/{by_api.pk}/events",
        {"type": "clarification_requested", "on": "2027-01-28", "what": "请写明文号", "days": 10},
        content_type="application/json",
        **_headers(coordinator),
    )
    assert response.status_code == 200, response.content
    for request in (by_page, by_api):
        request.refresh_from_db()
        assert (request.clarification_days, request.clarification_due_on) == (10, D(2027, 2, 17))


def test_a_typed_clarification_date_is_kept_as_typed(world: Any, admin: Any) -> None:
    request = _clarifying_2027(world, due_on=D(2027, 2, 17))
    assert request.clarification_days is None
    _import_2027(admin)
    request.refresh_from_db()
    assert request.clarification_due_on == D(2027, 2, 17)
    closed = services.close_unclarified(
        request, actor=world.users[Role.COORDINATOR], on=D(2027, 2, 18)
    )
    assert closed.outcome == "6.1"


def test_a_clarification_deadline_is_a_date_or_days_not_both_nor_neither(world: Any) -> None:
    with pytest.raises(InvalidInput) as neither:
        _clarifying_2027(world)
    assert neither.value.details == {"field": "due_on"}
    with pytest.raises(InvalidInput) as both:
        _clarifying_2027(world, days=10, due_on=D(2027, 2, 17))
    assert both.value.details == {"field": "days"}
    with pytest.raises(InvalidInput) as zero:
        _clarifying_2027(world, days=0)
    assert zero.value.details == {"field": "days"}


@on_day(D(2026, 3, 5))
def test_nothing_moves_nothing_is_recorded(world: Any, admin: Any) -> None:
    request = _received(world, D(2026, 3, 2))
    notice = services.issue_fee_notice(
        request, actor=world.users[Role.COORDINATOR], on=D(2026, 3, 5), method="volume", pages=150
    )
    calendar_services.correct_day(
        D(2026, 6, 1), actor=admin, kind="holiday", name="临时放假", reason="测试"
    )
    notice.refresh_from_db()
    assert notice.pay_due_on == D(2026, 4, 2)
    assert not AuditEvent.objects.filter(action="foi.deadline.recomputed").exists()
