"""Statutory public holidays (法定节假日) for a year whose State Council notice is not out yet.

《全国年节及纪念日放假办法》 第二条 (2024-11-10 revision, in force from 2025): 元旦 1 day, 春节 4
days (农历除夕 and 正月初一至初三), 清明节 1, 劳动节 2 (5月1日、2日), 端午节 1, 中秋节 1, 国庆节 3
(10月1日至3日) — 13 days. The 2013 version (2014–2024) gave 春节 3 days without 除夕 and 劳动节 1.
Such a year has no make-up working days (调休) and no 补假 yet: those come with the notice, so
every date computed from these holidays is marked provisional.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from lunardate import LunarDate

REVISION_2024_FROM_YEAR = 2025


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()  # type: ignore[no-any-return]


def _qingming(year: int) -> dt.date:
    terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
    for day, name in terms:
        if name == "清明":
            return day  # type: ignore[no-any-return]
    raise ValueError(f"no 清明 found in {year}")


def statutory_holidays(year: int) -> dict[dt.date, str]:
    """Return ``{date: holiday name}`` of the statutory holidays of ``year``."""
    new_year = _lunar(year, 1, 1)
    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    spring = [new_year + dt.timedelta(days=i) for i in range(3)]
    if year >= REVISION_2024_FROM_YEAR:
        spring.insert(0, new_year - dt.timedelta(days=1))  # 除夕
    days.update(dict.fromkeys(spring, "春节"))
    days[_qingming(year)] = "清明节"
    days[dt.date(year, 5, 1)] = "劳动节"
    if year >= REVISION_2024_FROM_YEAR:
        days[dt.date(year, 5, 2)] = "劳动节"
    days[_lunar(year, 5, 5)] = "端午节"
    days[_lunar(year, 8, 15)] = "中秋节"
    for day in (1, 2, 3):
        days[dt.date(year, 10, day)] = "国庆节"
    return days
