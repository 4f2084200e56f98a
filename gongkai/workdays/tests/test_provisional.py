"""Years without a State Council notice: weekends, the statutory holidays of
《全国年节及纪念日放假办法》 第二条 and the 补假 of 第六条, checked against real notices, by hand
across 2027's 春节, 劳动节 and 国庆, and as properties over 2025–2099."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from chinese_calendar import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.workdays.calendar import WorkCalendar
from gongkai.workdays.statutory import (
    compensation_days,
    statutory_holiday_count,
    statutory_holidays,
)

D = dt.date


def calendar_without(*years: int, first_year: int = 2004, last_year: int = 2029) -> WorkCalendar:
    """Return the real calendar (chinesecalendar's notices 2004–2026) with ``years`` unloaded,
    so that those years are computed as provisional ones would be."""
    unloaded = set(years)
    return WorkCalendar(
        holidays={d: n for d, n in constants.holidays.items() if d.year not in unloaded},
        makeup_days={d: n for d, n in constants.workdays.items() if d.year not in unloaded},
        loaded_years=[y for y in range(2004, 2027) if y not in unloaded],
        first_year=first_year,
        last_year=last_year,
    )


REAL = calendar_without()

# Real notices that gave a weekend holiday its 补假 on the next working day, with no 调休 around
# it: (year treated as provisional, 补假 expected, its name, window compared day by day).
REAL_COMPENSATIONS = [
    (2010, D(2010, 5, 3), "劳动节补假", (D(2010, 4, 24), D(2010, 5, 10))),  # 05-01 Sat
    (2011, D(2011, 1, 3), "元旦补假", (D(2010, 12, 27), D(2011, 1, 10))),  # 01-01 Sat
    (2014, D(2014, 4, 7), "清明节补假", (D(2014, 3, 31), D(2014, 4, 14))),  # 04-05 Sat
    (2015, D(2015, 6, 22), "端午节补假", (D(2015, 6, 15), D(2015, 6, 29))),  # 06-20 Sat
    (2016, D(2016, 5, 2), "劳动节补假", (D(2016, 4, 25), D(2016, 5, 9))),  # 05-01 Sun
    (2017, D(2017, 1, 2), "元旦补假", (D(2016, 12, 26), D(2017, 1, 9))),  # 01-01 Sun
    (2020, D(2020, 4, 6), "清明节补假", (D(2020, 3, 30), D(2020, 4, 13))),  # 04-04 Sat
    (2021, D(2021, 4, 5), "清明节补假", (D(2021, 3, 29), D(2021, 4, 12))),  # 04-04 Sun
    (2022, D(2022, 1, 3), "元旦补假", (D(2021, 12, 27), D(2022, 1, 10))),  # 01-01 Sat
    (2022, D(2022, 9, 12), "中秋节补假", (D(2022, 9, 5), D(2022, 9, 19))),  # 09-10 Sat
    (2023, D(2023, 1, 2), "元旦补假", (D(2022, 12, 26), D(2023, 1, 9))),  # 01-01 Sun
    (2025, D(2025, 6, 2), "端午节补假", (D(2025, 5, 26), D(2025, 6, 9))),  # 05-31 Sat
    (2026, D(2026, 4, 6), "清明节补假", (D(2026, 3, 30), D(2026, 4, 13))),  # 04-05 Sun
]


@pytest.mark.parametrize(("year", "day", "name", "window"), REAL_COMPENSATIONS)
def test_provisional_year_reproduces_the_notices_compensation(
    year: int, day: dt.date, name: str, window: tuple[dt.date, dt.date]
) -> None:
    provisional = calendar_without(year)
    assert provisional.is_provisional(day)
    info = provisional.day_info(day)
    assert (info.kind, info.name, info.provisional) == ("holiday", name, True)
    first, last = window
    for offset in range((last - first).days + 1):
        date = first + dt.timedelta(days=offset)
        assert provisional.is_working_day(date) == REAL.is_working_day(date), date


# 国庆 and 中秋 on the same day (2020-10-01) or on the same Saturday (2009-10-03). The notices
# swapped weekends (调休), so the days differ inside the break, but across it the provisional
# calendar must count exactly as many working days as the notice did: no day lost.
@pytest.mark.parametrize(
    ("year", "before", "after"),
    [(2009, D(2009, 9, 25), D(2009, 10, 12)), (2020, D(2020, 9, 25), D(2020, 10, 12))],
)
def test_coinciding_holidays_lose_no_day(year: int, before: dt.date, after: dt.date) -> None:
    provisional = calendar_without(year)
    assert provisional.working_days_between(before, after) == REAL.working_days_between(
        before, after
    )
    assert len([d for d in compensation_days(year) if d.month == 10]) == 2


def test_2020_national_day_and_mid_autumn_owe_two_compensation_days() -> None:
    # 10-01 Thu is 国庆 and 中秋 at once (one day owed), 10-03 is a Saturday (one day owed);
    # the break runs 10-01 … 10-04 (Sun), so the 补假 are the next two weekdays.
    october = {d: n for d, n in compensation_days(2020).items() if d.month == 10}
    assert october == {D(2020, 10, 5): "国庆节补假", D(2020, 10, 6): "国庆节补假"}
    assert statutory_holidays(2020)[D(2020, 10, 1)] == "中秋节、国庆节"


CAL_2027 = calendar_without()  # 2027 has no notice: provisional

# 2027 by hand (2024 revision):
#   春节   02-05 Fri 除夕, 02-06 Sat 初一, 02-07 Sun 初二, 02-08 Mon 初三 → 补假 for the Saturday
#          and the Sunday on 02-09 Tue and 02-10 Wed; first working day after: 02-11 Thu.
#   劳动节 05-01 Sat, 05-02 Sun → 补假 05-03 Mon and 05-04 Tue; next working day 05-05 Wed.
#   国庆   10-01 Fri, 10-02 Sat, 10-03 Sun → 补假 10-04 Mon and 10-05 Tue; next 10-06 Wed.
#   (元旦 01-01 is a Friday, 清明 04-05 a Monday, 端午 06-09 and 中秋 09-15 Wednesdays: no 补假.)
PROVISIONAL_2027 = [
    (D(2027, 2, 4), 1, D(2027, 2, 11)),
    (D(2027, 1, 29), 5, D(2027, 2, 11)),  # 02-01 … 02-04, then 02-11
    (D(2027, 2, 1), 5, D(2027, 2, 12)),  # 02-02 … 02-04, 02-11, 02-12
    # fee payment window: 04-21 … 04-23 (3), 04-26 … 04-30 (8), 05-05 … 05-07 (11),
    # 05-10 … 05-14 (16), 05-17 … 05-20 (20)
    (D(2027, 4, 20), 20, D(2027, 5, 20)),
    (D(2027, 4, 30), 1, D(2027, 5, 5)),
    (D(2027, 9, 30), 1, D(2027, 10, 6)),
    # consultation window: 09-28 … 09-30 (3), 10-06 … 10-08 (6), 10-11 … 10-15 (11),
    # 10-18 … 10-21 (15)
    (D(2027, 9, 27), 15, D(2027, 10, 21)),
    (D(2026, 12, 20), 20, D(2027, 1, 18)),  # 元旦 on a Friday: nothing owed
]


@pytest.mark.parametrize(("start", "n", "expected"), PROVISIONAL_2027)
def test_provisional_2027_deadlines_across_spring_festival_labour_day_national_day(
    start: dt.date, n: int, expected: dt.date
) -> None:
    result = CAL_2027.add_working_days(start, n)
    assert result.date == expected
    assert result.provisional is True


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2027, 2, 9), "春节补假"),
        (D(2027, 2, 10), "春节补假"),
        (D(2027, 5, 3), "劳动节补假"),
        (D(2027, 5, 4), "劳动节补假"),
        (D(2027, 10, 4), "国庆节补假"),
        (D(2027, 10, 5), "国庆节补假"),
    ],
)
def test_provisional_2027_compensation_days_are_named_and_provisional(
    day: dt.date, name: str
) -> None:
    info = CAL_2027.day_info(day)
    assert (info.kind, info.name, info.provisional) == ("holiday", name, True)
    assert compensation_days(2027)[day] == name


@settings(max_examples=100, deadline=None)
@given(year=st.integers(min_value=2025, max_value=2099))
def test_no_statutory_holiday_is_lost_to_a_weekend_or_a_coincidence(year: int) -> None:
    calendar = WorkCalendar(
        holidays={}, makeup_days={}, loaded_years=[], first_year=year, last_year=year
    )
    days = [D(year, 1, 1) + dt.timedelta(days=i) for i in range(366 if year % 4 == 0 else 365)]
    weekdays_off = [d for d in days if d.weekday() < 5 and not calendar.is_working_day(d)]
    assert statutory_holiday_count(year) == 13
    assert len(weekdays_off) >= statutory_holiday_count(year)
    assert len(weekdays_off) == statutory_holiday_count(year)  # exactly one day per day owed
    holidays = statutory_holidays(year)
    assert not any(calendar.is_working_day(d) for d in holidays)
    for day in compensation_days(year):
        assert day.weekday() < 5, day
        assert day not in holidays, day
        assert day.year == year


@pytest.mark.django_db
def test_a_correction_in_a_year_without_a_notice_keeps_its_statutory_holidays(
    django_user_model: Any,
) -> None:
    """Correcting one day of a provisional year must not turn the rest of the year into plain
    weekdays: 春节 and its 补假 still count, and the year stays provisional."""
    from gongkai.workdays import services as calendar_services
    from gongkai.workdays.selectors import forget_calendar, get_calendar

    admin = django_user_model.objects.create_superuser("root", password="Correct#Horse9")
    before = get_calendar().add_working_days(dt.date(2027, 2, 4), 1)
    assert before.date == dt.date(2027, 2, 11)
    calendar_services.correct_day(
        dt.date(2027, 6, 18), actor=admin, kind="holiday", name="临时放假", reason="测试"
    )
    forget_calendar()
    calendar = get_calendar()
    after = calendar.add_working_days(dt.date(2027, 2, 4), 1)
    assert after == before  # 春节 02-05..08 and 补假 02-09/10 still off; still provisional
    assert not calendar.is_working_day(dt.date(2027, 6, 18))
