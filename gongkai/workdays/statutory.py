"""Statutory public holidays (法定节假日) and their 补假 for a year whose State Council notice is
not out yet (RULES §1.1).

《全国年节及纪念日放假办法》 第二条 (2024-11-10 revision, in force from 2025): 元旦 1 day, 春节 4
days (农历除夕 and 正月初一至初三), 清明节 1, 劳动节 2 (5月1日、2日), 端午节 1, 中秋节 1, 国庆节 3
(10月1日至3日) — 13 days. The 2013 version (2014–2024) gave 春节 3 days without 除夕 and 劳动节 1.

第六条: a full holiday for all citizens (第二条) that falls on a Saturday or Sunday is compensated
on a working day (补假). The rule applied here, as the notices did when they had no 调休 around the
holiday (元旦 2022-01-01 Saturday → 01-03 Monday; 2017-01-01 Sunday → 01-02 Monday):

- each holiday day on a Saturday or Sunday owes one day;
- two holidays on the same date (国庆 and 中秋 on 2020-10-01, 2001-10-01) owe one day for each
  holiday past the first, weekday or not. 第二条 grants each holiday its own days and 第六条 does
  not say what happens when they coincide; the notices always gave the day back (by 调休), so
  keeping it is the safe reading: a provisional deadline is never earlier than the law allows;
- the owed days are given, in date order, on the first weekdays after the holiday's break (its
  run of holidays and weekend days) that are neither holidays nor already 补假.

A provisional year has no make-up working days (调休上班): those come only with the notice, so
every date computed from these days is marked provisional.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from lunardate import LunarDate

REVISION_2024_FROM_YEAR = 2025
COMPENSATION_SUFFIX = "补假"


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()  # type: ignore[no-any-return]


def _qingming(year: int) -> dt.date:
    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    for day, name in terms:
        if name == "清明":
            return day  # type: ignore[no-any-return]
    raise ValueError(f"no 清明 found in {year}")


def _statutory_days(year: int) -> list[tuple[dt.date, str]]:
    """Return every holiday day of 第二条 in the article's order, a coinciding date once per
    holiday (so that no holiday is lost when two fall on the same day)."""
    new_year = _lunar(year, 1, 1)
    spring = [new_year + dt.timedelta(days=i) for i in range(3)]
    labour = [dt.date(year, 5, 1)]
    if year >= REVISION_2024_FROM_YEAR:
        spring.insert(0, new_year - dt.timedelta(days=1))  # 除夕
        labour.append(dt.date(year, 5, 2))
    return [
        (dt.date(year, 1, 1), "元旦"),
        *((day, "春节") for day in spring),
        (_qingming(year), "清明节"),
        *((day, "劳动节") for day in labour),
        (_lunar(year, 5, 5), "端午节"),
        (_lunar(year, 8, 15), "中秋节"),
        *((dt.date(year, 10, day), "国庆节") for day in (1, 2, 3)),
    ]


def statutory_holiday_count(year: int) -> int:
    """Return how many holiday days 第二条 grants in ``year`` (13 from 2025, 11 before)."""
    return len(_statutory_days(year))


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Return ``{date: holiday name}`` of the statutory holidays of ``year``; a date with two
    holidays is named after both (``中秋节、国庆节``)."""
    days: dict[dt.date, str] = {}
    for day, name in _statutory_days(year):
        days[day] = f"{days[day]}、{name}" if day in days else name
    return days


def compensation_days(year: int) -> dict[dt.date, str]:
    """Return ``{date: name}`` of the 补假 owed under 第六条 (the rule in the module docstring),
    each named after the holiday that owes it (``国庆节补假``)."""
    holidays: set[dt.date] = set()
    owed: list[tuple[dt.date, str]] = []
    for day, name in sorted(_statutory_days(year), key=lambda item: item[0]):
        if day.weekday() >= 5 or day in holidays:
            owed.append((day, name))
        holidays.add(day)
    given: dict[dt.date, str] = {}
    for day, name in owed:
        # The first day after it that is none of: weekend, holiday, 补假 already given — so the
        # rest of the break (and any 补假 given for it) is walked past.
        free = day + dt.timedelta(days=1)
        while free.weekday() >= 5 or free in holidays or free in given:
            free += dt.timedelta(days=1)
        given[free] = name + COMPENSATION_SUFFIX
    return given


def provisional_holidays(year: int) -> dict[dt.date, str]:
    """Return the non-working days of a year without a notice besides weekends: the statutory
    holidays and their 补假."""
    return {**statutory_holidays(year), **compensation_days(year)}
