"""Statutory clocks: pauses, restarts, extensions and stops, with a day-by-day proof."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.workdays.clock import (
    ClockError,
    ClockEventData,
    ClockResult,
    compute_clock,
    explain_clock,
)
from gongkai.workdays.tests.test_calendar import CAL

D = dt.date


def ev(kind: str, on: dt.date, days: int = 0, label: str = "") -> ClockEventData:
    return ClockEventData(kind, on, days=days, label=label)  # type: ignore[arg-type]


MARCH_2 = D(2026, 3, 2)


def run(events: list[ClockEventData], limit: int = 20, today: dt.date = MARCH_2) -> ClockResult:
    return compute_clock(events, limit_days=limit, calendar=CAL, today=today)


def test_plain_twenty_day_reply_deadline() -> None:
    result = run([ev("start", D(2026, 9, 15))], today=D(2026, 9, 30))
    assert result.due_on == D(2026, 10, 19)
    assert result.state == "running"
    assert result.used_days == 11
    assert result.left_days == 9
    assert result.provisional is False


def test_pause_excludes_the_days_until_resume() -> None:
    # third-party consultation from 03-06 (Fri) to 03-13 (Fri): 03-09…03-13 are not counted
    events = [ev("start", D(2026, 3, 2)), ev("pause", D(2026, 3, 6)), ev("resume", D(2026, 3, 13))]
    plain = run([ev("start", D(2026, 3, 2))])
    paused = run(events, today=D(2026, 3, 16))
    assert plain.due_on == D(2026, 3, 30)
    assert paused.due_on == D(2026, 4, 7)  # five working days later; 04-04…06 清明
    assert paused.used_days == 4 + 1


def test_open_pause_has_no_due_date_and_says_paused() -> None:
    result = run([ev("start", D(2026, 3, 2)), ev("pause", D(2026, 3, 4))], today=D(2026, 3, 20))
    assert result.state == "paused"
    assert result.due_on is None
    assert result.used_days == 2
    assert result.left_days == 18


def test_restart_counts_again_from_the_clarification() -> None:
    events = [ev("start", D(2026, 3, 2)), ev("restart", D(2026, 3, 10), label="收到补正材料")]
    result = run(events, today=D(2026, 3, 11))
    assert result.due_on == CAL.add_working_days(D(2026, 3, 10), 20).date
    assert result.used_days == 1


def test_extension_adds_working_days() -> None:
    events = [ev("start", D(2026, 9, 15)), ev("extend", D(2026, 10, 12), days=20)]
    result = run(events, today=D(2026, 10, 12))
    assert result.extended_days == 20
    assert result.due_on == CAL.add_working_days(D(2026, 9, 15), 40).date


def test_stop_records_whether_it_was_late() -> None:
    on_time = run([ev("start", D(2026, 3, 2)), ev("stop", D(2026, 3, 30))], today=D(2026, 5, 1))
    late = run([ev("start", D(2026, 3, 2)), ev("stop", D(2026, 3, 31))], today=D(2026, 5, 1))
    assert on_time.state == late.state == "stopped"
    assert not on_time.is_late
    assert late.is_late
    assert on_time.used_days == 20


def test_overdue_when_today_is_past_the_due_date() -> None:
    result = run([ev("start", D(2026, 3, 2))], today=D(2026, 3, 31))
    assert result.state == "overdue"
    assert result.left_days == -1
    assert result.is_late


def test_deadline_into_an_unannounced_year_is_provisional() -> None:
    result = run([ev("start", D(2026, 12, 20))], today=D(2026, 12, 21))
    assert result.due_on == D(2027, 1, 18)
    assert result.provisional


@pytest.mark.parametrize(
    "events",
    [
        [ev("pause", D(2026, 3, 2))],
        [ev("start", D(2026, 3, 2)), ev("start", D(2026, 3, 3))],
        [ev("start", D(2026, 3, 2)), ev("resume", D(2026, 3, 3))],
        [ev("start", D(2026, 3, 2)), ev("pause", D(2026, 3, 3)), ev("pause", D(2026, 3, 4))],
        [ev("start", D(2026, 3, 2)), ev("stop", D(2026, 3, 3)), ev("pause", D(2026, 3, 4))],
        [ev("start", D(2026, 3, 2)), ev("extend", D(2026, 3, 3), days=0)],
    ],
)
def test_impossible_sequences_are_refused(events: list[ClockEventData]) -> None:
    with pytest.raises(ClockError):
        run(events)


def test_proof_explains_every_day() -> None:
    events = [
        ev("start", D(2026, 2, 10), label="收到申请"),
        ev("pause", D(2026, 2, 12), label="征求第三方意见"),
        ev("resume", D(2026, 2, 13), label="收到第三方意见"),
    ]
    proof = explain_clock(
        events, limit_days=4, calendar=CAL, today=D(2026, 2, 13), basis="条例第三十三条"
    )
    by_day = {d.date: d for d in proof.days}
    assert proof.result.due_on == D(2026, 2, 24)
    assert "当日不计入" in by_day[D(2026, 2, 10)].reason
    assert by_day[D(2026, 2, 11)].number == 1
    assert by_day[D(2026, 2, 12)].number == 2
    assert "中止：征求第三方意见" in by_day[D(2026, 2, 12)].reason
    assert not by_day[D(2026, 2, 13)].counted
    assert "恢复计算" in by_day[D(2026, 2, 13)].reason
    assert by_day[D(2026, 2, 14)].number == 3
    assert by_day[D(2026, 2, 14)].reason == "调休上班日，计入"
    assert by_day[D(2026, 2, 15)].reason == "Spring Festival（法定节假日），不计入"
    assert by_day[D(2026, 2, 24)].number == 4
    assert by_day[D(2026, 2, 16)].reason == "Spring Festival（法定节假日），不计入"
    assert "期限届满日" in proof.days[-1].reason
    assert proof.days[-1].date == D(2026, 2, 24)


def test_local_rule_can_count_a_working_start_day() -> None:
    events = [ev("start", D(2026, 9, 15))]
    counted = compute_clock(
        events, limit_days=20, calendar=CAL, today=D(2026, 9, 15), count_start_day=True
    )
    assert counted.due_on == CAL.add_working_days(D(2026, 9, 15), 19).date
    holiday_start = [ev("start", D(2026, 10, 3))]
    assert compute_clock(
        holiday_start, limit_days=1, calendar=CAL, today=D(2026, 10, 3), count_start_day=True
    ).due_on == D(2026, 10, 8)
    proof = explain_clock(
        events, limit_days=2, calendar=CAL, today=D(2026, 9, 15), count_start_day=True
    )
    assert proof.days[0].counted
    assert proof.days[0].number == 1
    assert proof.days[-1].number == 2


def test_restart_day_is_not_counted_in_the_proof() -> None:
    events = [ev("start", D(2024, 3, 4)), ev("restart", D(2024, 3, 8), label="收到补正")]
    proof = explain_clock(events, limit_days=2, calendar=CAL, today=D(2024, 3, 8))
    by_day = {d.date: d for d in proof.days}
    assert not by_day[D(2024, 3, 8)].counted
    assert by_day[D(2024, 3, 11)].number == 1
    assert proof.result.due_on == D(2024, 3, 12)


def test_stopped_before_the_deadline_keeps_its_due_date() -> None:
    result = run(
        [ev("start", D(2024, 3, 4)), ev("stop", D(2024, 3, 5))], limit=3, today=D(2029, 6, 1)
    )
    assert result.due_on == D(2024, 3, 7)
    assert not result.is_late
    assert result.provisional is False  # viewed years later, it was decided in 2024


def test_a_pause_after_the_deadline_does_not_hide_the_delay() -> None:
    events = [ev("start", D(2024, 3, 4)), ev("pause", D(2024, 3, 20))]
    result = run(events, limit=3, today=D(2024, 3, 25))
    assert result.state == "overdue"
    assert result.is_late
    proof = explain_clock(
        [ev("start", D(2024, 3, 4))], limit_days=3, calendar=CAL, today=D(2024, 3, 12)
    )
    assert proof.days[-1].date == D(2024, 3, 12)
    assert proof.days[-1].number == proof.result.used_days == 6
