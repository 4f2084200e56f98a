"""The working-day calendar as an immutable value, and arithmetic over it.

A ``WorkCalendar`` is built once from the calendar rows (holidays and make-up working days per
year) and answers every question by bisecting a sorted array of working days: no database and no
day-by-day loop in the hot path. Years without a loaded calendar fall back to weekends plus the
statutory holidays and their 补假 (《全国年节及纪念日放假办法》第二条、第六条; RULES §1.1;
``statutory.py``) and make every answer that touches them provisional.

Counting rule (民事诉讼法 第八十五条, RULES §1.3): the start day is not counted;
``add_working_days(start, n)`` is the n-th working day strictly after ``start``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext as _

from gongkai.core.errors import InvalidInput
from gongkai.workdays.statutory import provisional_holidays

DayKind = Literal["workday", "weekend", "holiday", "makeup"]
# How many years past the last loaded one the statutory fallback reaches.
PROVISIONAL_YEARS_AHEAD = 3


class OutOfRange(InvalidInput):
    code = "calendar_out_of_range"


@dataclass(frozen=True)
class DayInfo:
    date: dt.date
    kind: DayKind
    name: str
    provisional: bool

    @property
    def is_working(self) -> bool:
        return self.kind in ("workday", "makeup")


@dataclass(frozen=True)
class DateResult:
    date: dt.date
    provisional: bool


class WorkCalendar:
    """Holidays and make-up days of a range of years, precomputed for fast arithmetic."""

    def __init__(
        self,
        *,
        holidays: Mapping[dt.date, str],
        makeup_days: Mapping[dt.date, str],
        loaded_years: Iterable[int],
        first_year: int | None = None,
        last_year: int | None = None,
    ) -> None:
        self.loaded_years = frozenset(loaded_years)
        known = sorted(self.loaded_years) or [dt.date.today().year]  # noqa: DTZ011 - fallback only
        self.first_year = first_year or known[0]
        self.last_year = last_year or (known[-1] + PROVISIONAL_YEARS_AHEAD)
        self.provisional_years = frozenset(
            y for y in range(self.first_year, self.last_year + 1) if y not in self.loaded_years
        )
        self._holidays: dict[dt.date, str] = dict(holidays)
        self._makeup: dict[dt.date, str] = dict(makeup_days)
        for year in self.provisional_years:
            for day, name in provisional_holidays(year).items():
                self._holidays.setdefault(day, name)
        self._base = dt.date(self.first_year, 1, 1).toordinal()
        self._end = dt.date(self.last_year, 12, 31).toordinal()
        working: list[int] = []
        for ordinal in range(self._base, self._end + 1):
            day = dt.date.fromordinal(ordinal)
            if self._is_working(day):
                working.append(ordinal)
        self._working = working
        years = sorted(self.provisional_years)
        self._prov_starts = [dt.date(y, 1, 1).toordinal() for y in years]
        self._prov_ends = [dt.date(y, 12, 31).toordinal() for y in years]

    # --- single days -----------------------------------------------------------------------

    def _is_working(self, day: dt.date) -> bool:
        if day in self._makeup:
            return True
        if day in self._holidays:
            return False
        return day.weekday() < 5

    def _check(self, day: dt.date) -> int:
        ordinal = day.toordinal()
        if not self._base <= ordinal <= self._end:
            raise OutOfRange(
                _("日期 %(date)s 超出工作日历范围（%(first)d–%(last)d 年）。")
                % {"date": day.isoformat(), "first": self.first_year, "last": self.last_year}
            )
        return ordinal

    def is_working_day(self, day: dt.date) -> bool:
        """Return whether ``day`` is a working day (a make-up Saturday is; a holiday is not)."""
        self._check(day)
        return self._is_working(day)

    def is_provisional(self, day: dt.date) -> bool:
        """Return whether ``day`` lies in a year whose holiday notice is not loaded."""
        return day.year in self.provisional_years

    def day_info(self, day: dt.date) -> DayInfo:
        """Return what kind of day ``day`` is and why."""
        self._check(day)
        provisional = self.is_provisional(day)
        if day in self._makeup:
            return DayInfo(day, "makeup", self._makeup[day], provisional)
        if day in self._holidays:
            return DayInfo(day, "holiday", self._holidays[day], provisional)
        if day.weekday() >= 5:
            return DayInfo(day, "weekend", "", provisional)
        return DayInfo(day, "workday", "", provisional)

    # --- arithmetic ------------------------------------------------------------------------

    def _span_provisional(self, first: int, last: int) -> bool:
        """Return whether the days from ``first`` to ``last`` touch a provisional year."""
        lo, hi = (first, last) if first <= last else (last, first)
        index = bisect_left(self._prov_ends, lo)
        return index < len(self._prov_starts) and self._prov_starts[index] <= hi

    def add_working_days(self, start: dt.date, n: int) -> DateResult:
        """Return the n-th working day strictly after ``start`` (n ≥ 1; n = 0 returns start)."""
        if n < 0:
            raise InvalidInput(_("工作日数不能为负数。"), details={"field": "n"})
        ordinal = self._check(start)
        if n == 0:
            return DateResult(start, self.is_provisional(start))
        index = bisect_right(self._working, ordinal) + n - 1
        if index >= len(self._working):
            raise OutOfRange(
                _("结果超出工作日历范围（至 %(last)d 年）。") % {"last": self.last_year}
            )
        result = self._working[index]
        return DateResult(dt.date.fromordinal(result), self._span_provisional(ordinal, result))

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Return the number of working days in (a, b]; negative when b is before a."""
        first, last = self._check(a), self._check(b)
        return bisect_right(self._working, last) - bisect_right(self._working, first)

    def between_is_provisional(self, a: dt.date, b: dt.date) -> bool:
        return self._span_provisional(a.toordinal(), b.toordinal())

    def next_working_day(self, day: dt.date) -> DateResult:
        """Return the first working day strictly after ``day``."""
        return self.add_working_days(day, 1)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """Return ``day`` if it is a working day, else the next one."""
        ordinal = self._check(day)
        index = bisect_left(self._working, ordinal)
        if index >= len(self._working):
            raise OutOfRange(
                _("结果超出工作日历范围（至 %(last)d 年）。") % {"last": self.last_year}
            )
        return dt.date.fromordinal(self._working[index])

    # Fast paths for clocks: ordinals in, ordinals out, no objects.
    def _count(self, first: int, last: int) -> int:
        working = self._working
        return bisect_right(working, last) - bisect_right(working, first)

    def _add(self, first: int, n: int) -> int:
        index = bisect_right(self._working, first) + n - 1
        if index >= len(self._working):
            raise OutOfRange(
                _("结果超出工作日历范围（至 %(last)d 年）。") % {"last": self.last_year}
            )
        return self._working[index]

    def holidays_in(self, year: int) -> dict[dt.date, str]:
        return {d: n for d, n in self._holidays.items() if d.year == year}

    def makeup_days_in(self, year: int) -> dict[dt.date, str]:
        return {d: n for d, n in self._makeup.items() if d.year == year}
