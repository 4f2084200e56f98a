"""Working-day arithmetic across 春节, 国庆+中秋 and make-up weekends, checked three ways:
hand-made tables, the chinesecalendar package day by day, and properties (hypothesis)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.workdays.calendar import OutOfRange, WorkCalendar
from gongkai.workdays.statutory import statutory_holidays


def _package_calendar(last_loaded: int = 2026) -> WorkCalendar:
    from chinese_calendar import constants

    return WorkCalendar(
        holidays={d: n for d, n in constants.holidays.items() if d.year <= last_loaded},
        makeup_days={d: n for d, n in constants.workdays.items() if d.year <= last_loaded},
        loaded_years=range(2004, last_loaded + 1),
        first_year=2004,
        last_year=2029,
    )


CAL = _package_calendar()
D = dt.date

# (start, n, expected n-th working day strictly after start)
ADD_CASES = [
    # 2019: 春节 02-04…02-10, make-up 02-02 (Sat) and 02-03 (Sun)
    (D(2019, 2, 1), 1, D(2019, 2, 2)),
    (D(2019, 2, 2), 1, D(2019, 2, 3)),
    (D(2019, 2, 3), 1, D(2019, 2, 11)),
    # 2019: 国庆 10-01…10-07, make-up 09-29 (Sun) and 10-12 (Sat)
    (D(2019, 9, 27), 1, D(2019, 9, 29)),
    (D(2019, 9, 30), 1, D(2019, 10, 8)),
    (D(2019, 10, 11), 1, D(2019, 10, 12)),
    # 2019 reference plan: notice dated 2019-08-15, 20 working days
    (D(2019, 8, 15), 20, D(2019, 9, 12)),
    # 2025: 国庆+中秋 10-01…10-08, make-up 09-28 (Sun) and 10-11 (Sat)
    (D(2025, 9, 26), 1, D(2025, 9, 28)),
    (D(2025, 9, 30), 1, D(2025, 10, 9)),
    (D(2025, 10, 10), 1, D(2025, 10, 11)),
    (D(2025, 9, 19), 20, D(2025, 10, 23)),
    # 2025: 春节 01-28…02-04, make-up 01-26 (Sun) and 02-08 (Sat)
    (D(2025, 1, 24), 1, D(2025, 1, 26)),
    (D(2025, 1, 27), 1, D(2025, 2, 5)),
    # 2026: 春节 02-15…02-23, make-up 02-14 and 02-28 (both Sat)
    (D(2026, 2, 13), 1, D(2026, 2, 14)),
    (D(2026, 2, 14), 1, D(2026, 2, 24)),
    (D(2026, 2, 27), 1, D(2026, 2, 28)),
    (D(2026, 2, 10), 7, D(2026, 2, 26)),
    # 2026: 中秋 09-25…27, 国庆 10-01…07, make-up 09-20 (Sun) and 10-10 (Sat)
    (D(2026, 9, 18), 1, D(2026, 9, 20)),
    (D(2026, 9, 24), 1, D(2026, 9, 28)),
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 10, 9), 1, D(2026, 10, 10)),
    (D(2026, 9, 15), 15, D(2026, 10, 12)),
    # receipt on a holiday: counting starts on the first working day after it
    (D(2026, 10, 3), 1, D(2026, 10, 8)),
]


@pytest.mark.parametrize(("start", "n", "expected"), ADD_CASES)
def test_add_working_days(start: dt.date, n: int, expected: dt.date) -> None:
    result = CAL.add_working_days(start, n)
    assert result.date == expected
    assert result.provisional is False
    assert CAL.working_days_between(start, expected) == n


@pytest.mark.parametrize(
    ("day", "working", "kind", "name"),
    [
        (D(2026, 2, 14), True, "makeup", "Spring Festival"),
        (D(2026, 2, 16), False, "holiday", "Spring Festival"),
        (D(2026, 3, 7), False, "weekend", ""),
        (D(2026, 3, 9), True, "workday", ""),
        (D(2025, 10, 6), False, "holiday", "Mid-autumn Festival"),
        (D(2019, 5, 5), True, "makeup", "Labour Day"),
    ],
)
def test_day_info(day: dt.date, working: bool, kind: str, name: str) -> None:
    info = CAL.day_info(day)
    assert CAL.is_working_day(day) is working
    assert (info.kind, info.name) == (kind, name)


def test_next_working_day_and_between_directions() -> None:
    assert CAL.next_working_day(D(2026, 9, 30)).date == D(2026, 10, 8)
    assert CAL.working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1
    assert CAL.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert CAL.working_day_on_or_after(D(2026, 10, 1)) == D(2026, 10, 8)


def test_out_of_range_is_refused() -> None:
    with pytest.raises(OutOfRange, match="超出工作日历范围"):
        CAL.add_working_days(D(2003, 12, 31), 1)
    with pytest.raises(OutOfRange):
        CAL.add_working_days(D(2029, 12, 1), 40)


days_2004_2026 = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 9, 1))


@settings(max_examples=300, deadline=None)
@given(start=days_2004_2026, n=st.integers(min_value=1, max_value=60))
def test_agrees_with_the_package_day_by_day(start: dt.date, n: int) -> None:
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            left -= 1
    assert CAL.add_working_days(start, n).date == day


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 6, 1)),
    n=st.integers(min_value=0, max_value=250),
)
def test_between_inverts_add(start: dt.date, n: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, n).date) == n


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2004, 1, 1), max_value=D(2028, 6, 1)),
    later=st.integers(min_value=0, max_value=40),
    n=st.integers(min_value=1, max_value=100),
)
def test_monotonic_in_n_and_in_start(start: dt.date, later: int, n: int) -> None:
    assert CAL.add_working_days(start, n + 1).date > CAL.add_working_days(start, n).date
    other = start + dt.timedelta(days=later)
    assert CAL.add_working_days(other, n).date >= CAL.add_working_days(start, n).date


def test_year_without_notice_uses_statutory_holidays_and_is_provisional() -> None:
    holidays = statutory_holidays(2027)
    assert holidays[D(2027, 2, 5)] == "春节"  # 除夕 (2024 revision)
    assert [d for d, n in holidays.items() if n == "春节"] == [
        D(2027, 2, 5),
        D(2027, 2, 6),
        D(2027, 2, 7),
        D(2027, 2, 8),
    ]
    assert holidays[D(2027, 4, 5)] == "清明节"
    assert holidays[D(2027, 5, 2)] == "劳动节"
    assert holidays[D(2027, 6, 9)] == "端午节"
    assert holidays[D(2027, 9, 15)] == "中秋节"
    assert len(holidays) == 13
    result = CAL.add_working_days(D(2026, 12, 20), 20)
    assert result == CAL.add_working_days(D(2026, 12, 20), 20)
    assert result.date == D(2027, 1, 18)
    assert result.provisional is True
    # 初一 02-06 and 初二 02-07 fall on the weekend: 补假 02-09 and 02-10 (第六条)
    assert CAL.add_working_days(D(2027, 2, 4), 1).date == D(2027, 2, 11)
    assert CAL.add_working_days(D(2026, 11, 2), 20).provisional is False


def test_2013_rules_before_2025() -> None:
    holidays = statutory_holidays(2024)
    assert len(holidays) == 11
    assert D(2024, 5, 2) not in holidays
    assert D(2024, 2, 9) not in holidays  # 除夕 was not a holiday before the 2024 revision


def test_end_of_range_is_refused_not_crashed() -> None:
    short = WorkCalendar(
        holidays={}, makeup_days={}, loaded_years=[2028], first_year=2028, last_year=2028
    )
    assert short.working_day_on_or_after(D(2028, 12, 29)) == D(2028, 12, 29)
    with pytest.raises(OutOfRange):
        short.working_day_on_or_after(D(2028, 12, 30))
