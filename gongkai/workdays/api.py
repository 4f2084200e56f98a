"""API of the workdays app: working-day arithmetic and the calendar of a year."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gongkai.core.apitypes import Days, Year
from gongkai.core.errors import InvalidInput, NotFound
from gongkai.workdays.clock import ClockEventData, explain_clock
from gongkai.workdays.selectors import count_start_day, get_calendar

router = Router(tags=["workdays"])
MAX_DAYS = 366


class ProofDayOut(Schema):
    date: dt.date
    counted: bool
    number: int | None
    reason: str
    provisional: bool


class AddOut(Schema):
    date: dt.date
    provisional: bool = Field(description="涉及尚未发布节假日安排通知的年份时为 true")
    proof: list[ProofDayOut]


class BetweenOut(Schema):
    working_days: int
    provisional: bool


class CalendarDayOut(Schema):
    date: dt.date
    kind: str
    name: str


class CalendarYearOut(Schema):
    year: int
    provisional: bool
    holidays: list[CalendarDayOut]
    makeup_workdays: list[CalendarDayOut]


@router.get("/workdays/add", response=AddOut, summary="推算第 N 个工作日")
def add(request: HttpRequest, start: dt.date, n: Days) -> AddOut:
    """Return the n-th working day strictly after ``start`` with the day-by-day proof."""
    if not 1 <= n <= MAX_DAYS:
        raise InvalidInput(
            _("工作日数应在 1 到 %(max)d 之间。") % {"max": MAX_DAYS}, details={"field": "n"}
        )
    proof = explain_clock(
        [ClockEventData("start", start, label="所填日期")],
        limit_days=n,
        calendar=get_calendar(),
        today=start,
        count_start_day=count_start_day(),
    )
    assert proof.result.due_on is not None  # noqa: S101 - a running clock has a due date
    return AddOut(
        date=proof.result.due_on,
        provisional=proof.result.provisional,
        proof=[
            ProofDayOut(
                date=d.date,
                counted=d.counted,
                number=d.number,
                reason=d.reason,
                provisional=d.provisional,
            )
            for d in proof.days
        ],
    )


@router.get("/workdays/between", response=BetweenOut, summary="两日期之间的工作日数")
def between(request: HttpRequest, a: dt.date, b: dt.date) -> BetweenOut:
    """Count the working days in (a, b]."""
    calendar = get_calendar()
    return BetweenOut(
        working_days=calendar.working_days_between(a, b),
        provisional=calendar.between_is_provisional(a, b),
    )


@router.get("/workdays/calendar/{year}", response=CalendarYearOut, summary="某年节假日与调休")
def calendar_year(request: HttpRequest, year: Year) -> CalendarYearOut:
    calendar = get_calendar()
    if not calendar.first_year <= year <= calendar.last_year:
        raise NotFound
    return CalendarYearOut(
        year=year,
        provisional=year in calendar.provisional_years,
        holidays=[
            CalendarDayOut(date=d, kind="holiday", name=n)
            for d, n in sorted(calendar.holidays_in(year).items())
        ],
        makeup_workdays=[
            CalendarDayOut(date=d, kind="makeup", name=n)
            for d, n in sorted(calendar.makeup_days_in(year).items())
        ],
    )
