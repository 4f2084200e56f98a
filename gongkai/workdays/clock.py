"""Statutory clocks: a deadline computed from an append-only list of events.

Events: ``start`` (the day of receipt; not counted), ``restart`` (counting starts again after
this day, e.g. a clarification received — 条例第三十条), ``pause``/``resume`` (the days after the
pause up to and including the resume day are not counted, e.g. third-party consultation —
第三十二条), ``extend`` (+N working days, 第三十三条), ``stop`` (answered or closed).

``compute_clock`` is pure and uses only ordinal arithmetic on the calendar, so a million clocks
recompute in seconds; ``explain_clock`` gives the day-by-day proof for one clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from django.utils.translation import gettext as _

from gongkai.core.errors import InvalidInput
from gongkai.workdays.calendar import WorkCalendar

EventKind = Literal["start", "restart", "pause", "resume", "extend", "stop"]
ClockStateName = Literal["running", "paused", "stopped", "overdue"]


@dataclass(frozen=True)
class ClockEventData:
    kind: EventKind
    on: dt.date
    days: int = 0
    label: str = ""
    basis: str = ""


class ClockResult(NamedTuple):
    """What a clock's events add up to on a given day (a tuple: built a million times)."""

    state: ClockStateName
    due_on: dt.date | None
    limit_days: int
    extended_days: int
    used_days: int
    left_days: int
    provisional: bool
    stopped_on: dt.date | None = None

    @property
    def is_late(self) -> bool:
        """Whether the clock stopped (or stands) after its due date."""
        if self.due_on is None:
            return False
        if self.stopped_on is not None:
            return self.stopped_on > self.due_on
        return self.state == "overdue"


class ClockError(InvalidInput):
    code = "clock_invalid"


def _segments(
    events: Sequence[ClockEventData], *, first_counts: bool = False
) -> tuple[list[tuple[int, int | None]], int, bool, int | None]:
    """Return the counting segments (after-day, through-day or open), extensions, pause, stop."""
    segments: list[tuple[int, int | None]] = []
    anchor: int | None = None
    paused = False
    stopped: int | None = None
    extended = 0
    started = False
    for event in events:
        on = event.on.toordinal()
        kind = event.kind
        if stopped is not None:
            raise ClockError(_("期限已停止，不能再记录“%(kind)s”。") % {"kind": kind})
        if kind == "start":
            if started:
                raise ClockError(_("期限只能开始一次；重新起算请用“重新计算”。"))
            # The day of receipt is not counted, unless a local rule counts a working one.
            started, anchor, segments = True, on - 1 if first_counts else on, []
            continue
        if not started:
            raise ClockError(_("期限尚未开始。"))
        if kind == "restart":
            segments, anchor, paused = [], on, False
        elif kind == "pause":
            if paused:
                raise ClockError(_("期限已在中止中。"))
            assert anchor is not None  # noqa: S101
            segments.append((anchor, on))
            anchor, paused = None, True
        elif kind == "resume":
            if not paused:
                raise ClockError(_("期限未中止，无需恢复。"))
            anchor, paused = on, False
        elif kind == "extend":
            if event.days <= 0:
                raise ClockError(_("延长的工作日数必须大于 0。"))
            extended += event.days
        elif kind == "stop":
            if anchor is not None:
                segments.append((anchor, on))
                anchor = None
            stopped = on
    if not started:
        raise ClockError(_("期限尚未开始。"))
    if anchor is not None:
        segments.append((anchor, None))
    return segments, extended, paused, stopped


def compute_clock(
    events: Sequence[ClockEventData],
    *,
    limit_days: int,
    calendar: WorkCalendar,
    today: dt.date,
    count_start_day: bool = False,
) -> ClockResult:
    """Return due date, days used and left, state and provisional flag of a clock.

    ``count_start_day`` (GONGKAI_COUNT_START_DAY) counts the start day when it is a working day;
    by default it is not counted (民事诉讼法 第八十五条, RULES §1.3).
    """
    first_counts = bool(count_start_day and events and calendar._is_working(events[0].on))
    segments, extended, paused, stopped = _segments(events, first_counts=first_counts)
    total = limit_days + extended
    today_ord = today.toordinal()
    count, add = calendar._count, calendar._add
    cumulative = 0
    due: int | None = None
    used = 0
    last_after, before_last = None, 0
    for after, through in segments:
        length = None if through is None else count(after, through)
        if due is None and (length is None or cumulative + length >= total):
            due = add(after, total - cumulative) if total > cumulative else after
        upto = today_ord if through is None else min(through, max(today_ord, after))
        used += count(after, upto) if upto > after else 0
        last_after, before_last = after, cumulative
        if length is not None:
            cumulative += length
    if due is None and stopped is not None and not paused and last_after is not None:
        # Stopped before the deadline: keep the due date it had, to show it was met.
        due = add(last_after, total - before_last)
    first = segments[0][0] if segments else events[0].on.toordinal()
    horizon = stopped if stopped is not None else today_ord
    last_ord = max(horizon, due) if due is not None else horizon
    provisional = calendar._span_provisional(first, last_ord) if segments else False
    if stopped is not None:
        state: ClockStateName = "stopped"
    elif due is not None and today_ord > due:
        state = "overdue"  # a pause after the deadline does not cure the delay
    elif paused:
        state = "paused"
    else:
        state = "running"
    return ClockResult(
        state=state,
        due_on=dt.date.fromordinal(due) if due is not None else None,
        limit_days=limit_days,
        extended_days=extended,
        used_days=used,
        left_days=total - used,
        provisional=provisional,
        stopped_on=dt.date.fromordinal(stopped) if stopped is not None else None,
    )


@dataclass(frozen=True)
class ProofDay:
    date: dt.date
    counted: bool
    number: int | None
    reason: str
    provisional: bool = False


@dataclass
class ClockProof:
    result: ClockResult
    days: list[ProofDay] = field(default_factory=list)
    basis: str = ""


def explain_clock(
    events: Sequence[ClockEventData],
    *,
    limit_days: int,
    calendar: WorkCalendar,
    today: dt.date,
    basis: str = "",
    count_start_day: bool = False,
) -> ClockProof:
    """Return the day-by-day proof of a clock: which days counted, which were skipped and why."""
    result = compute_clock(
        events,
        limit_days=limit_days,
        calendar=calendar,
        today=today,
        count_start_day=count_start_day,
    )
    proof = ClockProof(result=result, basis=basis)
    by_day: dict[dt.date, list[ClockEventData]] = {}
    for event in events:
        by_day.setdefault(event.on, []).append(event)
    first = events[0].on
    if result.stopped_on is not None:
        last = result.stopped_on
    else:
        last = max(today, max(e.on for e in events))
        if result.due_on is not None:
            last = max(last, result.due_on)
    number = 0
    counting = False
    pause_label = ""
    day = first
    while day <= last:
        info = calendar.day_info(day)
        todays = by_day.get(day, [])
        reason = ""
        counted = False
        if counting and info.is_working:
            number += 1
            counted = True
            reason = _("调休上班日，计入") if info.kind == "makeup" else _("工作日，计入")
        elif counting:
            reason = (
                info.name + _("（法定节假日），不计入")
                if info.kind == "holiday"
                else (_("周末，不计入"))
            )
        elif pause_label and day != first:
            reason = _("期限中止（%(why)s），不计入") % {"why": pause_label}
        for event in todays:
            note = event.label or event.kind
            basis_text = f"［{event.basis}］" if event.basis else ""
            if event.kind == "start" and count_start_day and info.is_working:
                number, counted = 1, True
                reason = _("起算日：%(note)s，按本地规定当日计入") % {"note": note} + basis_text
                counting = True
            elif event.kind == "start":
                reason = _("起算日：%(note)s，当日不计入") % {"note": note} + basis_text
                counting, number = True, 0
            elif event.kind == "restart":
                reason = (
                    _("重新起算：%(note)s，当日不计入，自次日起重新计算") % {"note": note}
                    + basis_text
                )
                counting, number, pause_label, counted = True, 0, "", False
            elif event.kind == "pause":
                reason = (
                    (reason + "；" if reason else "")
                    + _("中止：%(note)s") % {"note": note}
                    + basis_text
                )
                counting, pause_label = False, note
            elif event.kind == "resume":
                reason = (
                    _("恢复计算：%(note)s，当日不计入，自次日起继续") % {"note": note} + basis_text
                )
                counting, pause_label = True, ""
            elif event.kind == "extend":
                reason = (
                    (reason + "；" if reason else "")
                    + _("延长 %(n)d 个工作日：%(note)s") % {"n": event.days, "note": note}
                    + basis_text
                )
            elif event.kind == "stop":
                reason = (
                    (reason + "；" if reason else "")
                    + _("结束：%(note)s") % {"note": note}
                    + basis_text
                )
                counting = False
        if day == result.due_on:
            reason += _("；期限届满日")
        proof.days.append(
            ProofDay(day, counted, number if counted else None, reason, info.provisional)
        )
        day += dt.timedelta(days=1)
    return proof
