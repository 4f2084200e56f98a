"""Reads of the calendar: the shared ``WorkCalendar`` value, year grids, missing notices."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from gongkai.core.time import today_local
from gongkai.workdays.calendar import DayInfo, WorkCalendar
from gongkai.workdays.choices import CalendarSource, DayKind
from gongkai.workdays.clock import ClockEventData, ClockProof, ClockResult, explain_clock
from gongkai.workdays.models import CalendarDay, CalendarYear, Clock

# Other processes (web workers, the task worker) notice a changed calendar within this time.
RECHECK_SECONDS = 30.0

_lock = threading.Lock()
_cached: dict[str, Any] = {"calendar": None, "version": None, "checked": 0.0}


def _version() -> tuple[Any, ...]:
    years = CalendarYear.objects.aggregate(changed=Max("changed_at"), n=Count("pk"))
    days = CalendarDay.objects.aggregate(n=Count("pk"))
    return (years["changed"], years["n"], days["n"])


def build_calendar() -> WorkCalendar:
    """Build a calendar value from the database (one pass over the special days)."""
    holidays: dict[dt.date, str] = {}
    makeup: dict[dt.date, str] = {}
    for date, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        (holidays if kind == DayKind.HOLIDAY else makeup)[date] = name
    years = list(CalendarYear.objects.values_list("year", "source"))
    # A year is known from its notice or the seed. A year that only has an administrator's
    # corrections stays provisional: its statutory holidays and 补假 still count beside the
    # corrected days, so a correction never shortens a deadline there (RULES §1.1).
    loaded = [year for year, source in years if source != CalendarSource.MANUAL]
    every = [year for year, _source in years]
    this_year = today_local().year
    first = min(every, default=this_year)
    last = max([*every, this_year]) + 3
    return WorkCalendar(
        holidays=holidays,
        makeup_days=makeup,
        loaded_years=loaded,
        first_year=first,
        last_year=last,
    )


def get_calendar() -> WorkCalendar:
    """Return the current calendar, rebuilt only when the calendar data changed."""
    now = time.monotonic()
    with _lock:
        calendar = _cached["calendar"]
        if calendar is not None and now - _cached["checked"] < RECHECK_SECONDS:
            return calendar  # type: ignore[no-any-return]
        version = _version()
        if calendar is None or version != _cached["version"]:
            calendar = build_calendar()
            _cached.update(calendar=calendar, version=version)
        _cached["checked"] = now
        return calendar  # type: ignore[no-any-return]


def forget_calendar() -> None:
    """Drop the cached calendar (after this process changed the calendar data)."""
    with _lock:
        _cached.update(calendar=None, version=None, checked=0.0)


@dataclass(frozen=True)
class MonthGrid:
    year: int
    month: int
    weeks: list[list[DayInfo | None]]


def get_year_grid(year: int) -> list[MonthGrid]:
    """Return the 12 months of ``year`` as week rows (Monday first) of day facts."""
    calendar = get_calendar()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([calendar.day_info(d) if d.month == month else None for d in week])
        months.append(MonthGrid(year, month, weeks))
    return months


def list_missing_notice_years(*, today: dt.date | None = None) -> list[int]:
    """Return this year and next year when their holiday notice is not loaded yet."""
    today = today or today_local()
    loaded = set(
        CalendarYear.objects.exclude(source=CalendarSource.MANUAL).values_list("year", flat=True)
    )
    return [y for y in (today.year, today.year + 1) if y not in loaded]


def count_start_day() -> bool:
    """Return whether the day of receipt counts when it is a working day (a local rule)."""
    return bool(settings.GONGKAI_COUNT_START_DAY)


def clock_events(clock: Clock) -> list[ClockEventData]:
    return [
        ClockEventData(kind=e.kind, on=e.on, days=e.days, label=e.label, basis=e.basis)  # type: ignore[arg-type]
        for e in clock.events.order_by("pk")
    ]


def get_clock_status(clock: Clock, *, today: dt.date | None = None) -> ClockResult:
    """Return the clock's live status (due date, days used and left, state)."""
    from gongkai.workdays.clock import compute_clock

    return compute_clock(
        clock_events(clock),
        limit_days=clock.limit_days,
        calendar=get_calendar(),
        today=today or today_local(),
        count_start_day=count_start_day(),
    )


def get_clock_proof(clock: Clock, *, today: dt.date | None = None) -> ClockProof:
    """Return the day-by-day deadline proof of a clock."""
    return explain_clock(
        clock_events(clock),
        limit_days=clock.limit_days,
        calendar=get_calendar(),
        today=today or today_local(),
        basis=clock.basis,
        count_start_day=count_start_day(),
    )
