"""Seed data of the calendar: holidays and make-up days 2004–2026 from chinesecalendar."""

from __future__ import annotations

from typing import Any

# chinesecalendar names its holidays in English; the calendar shows the statutory Chinese names.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed_calendar(calendar_year: Any, calendar_day: Any) -> None:
    """Insert the package's data (kept rows win); takes the models, so migrations can use it."""
    from chinese_calendar import constants

    days = []
    years: set[int] = set()
    for kind, table in (("holiday", constants.holidays), ("makeup", constants.workdays)):
        for date, name in table.items():
            years.add(date.year)
            days.append(
                calendar_day(
                    date=date,
                    notice_year=date.year,
                    kind=kind,
                    name=NAMES.get(name, name),
                    source="seeded",
                )
            )
    calendar_day.objects.bulk_create(days, batch_size=500, ignore_conflicts=True)
    calendar_year.objects.bulk_create(
        [calendar_year(year=y, source="seeded") for y in sorted(years)], ignore_conflicts=True
    )
