"""Writes of the workdays app: calendar imports and corrections, clocks and their events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput, NotPermitted
from gongkai.core.time import today_local
from gongkai.workdays.choices import CalendarSource, ClockEventKind, ClockState, DayKind
from gongkai.workdays.clock import ClockError, ClockEventData, compute_clock
from gongkai.workdays.models import CalendarDay, CalendarYear, Clock, ClockEvent
from gongkai.workdays.notice import ParsedNotice
from gongkai.workdays.selectors import (
    build_calendar,
    clock_events,
    count_start_day,
    forget_calendar,
    get_calendar,
)
from gongkai.workdays.signals import calendar_changed, clocks_recomputed


def _require_calendar_admin(actor: Any) -> None:
    # The calendar is national and shared by every organ on the platform.
    if not getattr(actor, "is_superuser", False):
        raise NotPermitted(_("只有系统管理员可以维护工作日历。"))


def _after_calendar_change(*, actor: Any) -> None:
    """Tell the stored dates that depend on the calendar now, in this transaction (the
    ``calendar_changed`` receivers); recompute the clocks in a task once it commits."""
    forget_calendar()
    calendar_changed.send(sender=CalendarYear, actor=actor, calendar=build_calendar())
    from gongkai.workdays.tasks import recompute_open_clocks_task

    transaction.on_commit(lambda: recompute_open_clocks_task.enqueue())


@transaction.atomic
def import_notice(notice: ParsedNotice, *, actor: Any, text: str) -> CalendarYear:
    """Replace a year's calendar with the State Council notice's; the dates stored from the
    calendar move in this transaction (``calendar_changed``), open clocks in a task after it."""
    _require_calendar_admin(actor)
    year = notice.year
    previous = {(d.date.isoformat(), d.kind) for d in CalendarDay.objects.filter(notice_year=year)}
    CalendarDay.objects.filter(notice_year=year).delete()
    for kind, days in ((DayKind.HOLIDAY, notice.holidays), (DayKind.MAKEUP, notice.makeup_days)):
        for date, name in days.items():
            CalendarDay.objects.update_or_create(
                date=date,
                defaults={
                    "notice_year": year,
                    "kind": kind,
                    "name": name,
                    "source": CalendarSource.NOTICE,
                },
            )
    record, _created = CalendarYear.objects.update_or_create(
        year=year,
        defaults={
            "source": CalendarSource.NOTICE,
            "notice_title": notice.title[:200],
            "notice_text": text,
            "changed_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    now = {(d.isoformat(), DayKind.HOLIDAY.value) for d in notice.holidays} | {
        (d.isoformat(), DayKind.MAKEUP.value) for d in notice.makeup_days
    }
    record_event(
        "workdays.notice.imported",
        actor=actor,
        obj=record,
        changes={
            "year": year,
            "title": notice.title,
            "holidays": len(notice.holidays),
            "makeup_workdays": len(notice.makeup_days),
            "added": sorted(now - previous),
            "removed": sorted(previous - now),
        },
    )
    _after_calendar_change(actor=actor)
    return record


@transaction.atomic
def correct_day(
    date: dt.date, *, actor: Any, kind: str | None, name: str = "", reason: str
) -> CalendarDay | None:
    """Set one day as holiday, make-up working day, or ordinary (``kind=None``); audited. The
    dates stored from the calendar move as after a notice (``import_notice``)."""
    _require_calendar_admin(actor)
    if not reason.strip():
        raise InvalidInput(_("请填写更正原因。"), details={"field": "reason"})
    if kind is not None and kind not in DayKind.values:
        raise InvalidInput(_("日期类型无效。"), details={"field": "kind"})
    if kind == DayKind.MAKEUP and date.weekday() < 5:
        raise InvalidInput(_("调休上班日必须是周六或周日。"), details={"field": "kind"})
    existing = CalendarDay.objects.filter(date=date).first()
    before = None if existing is None else [existing.kind, existing.name]
    result: CalendarDay | None = None
    if kind is None:
        if existing is not None:
            existing.delete()
    else:
        result, _created = CalendarDay.objects.update_or_create(
            date=date,
            defaults={
                "notice_year": existing.notice_year if existing else date.year,
                "kind": kind,
                "name": name.strip(),
                "source": CalendarSource.MANUAL,
            },
        )
    year, _created = CalendarYear.objects.get_or_create(
        year=date.year, defaults={"source": CalendarSource.MANUAL}
    )
    year.save(update_fields=["changed_at"])
    record_event(
        "workdays.day.corrected",
        actor=actor,
        object_type="workdays.calendarday",
        object_id=date.isoformat(),
        object_repr=date.isoformat(),
        changes={
            "before": before,
            "after": None if kind is None else [kind, name],
            "reason": reason,
        },
    )
    _after_calendar_change(actor=actor)
    return result


# --- Clocks -------------------------------------------------------------------------------------


def _store_result(clock: Clock, events: list[ClockEventData], *, today: dt.date) -> list[str]:
    result = compute_clock(
        events,
        limit_days=clock.limit_days,
        calendar=get_calendar(),
        today=today,
        count_start_day=count_start_day(),
    )
    values = {
        "state": result.state,
        "due_on": result.due_on,
        "provisional": result.provisional,
        "stopped_on": result.stopped_on,
    }
    changed = [k for k, v in values.items() if getattr(clock, k) != v]
    for key in changed:
        setattr(clock, key, values[key])
    return changed


@transaction.atomic
def start_clock(
    organ: Organ,
    *,
    actor: Any,
    purpose: str,
    start_on: dt.date,
    limit_days: int,
    basis: str = "",
    max_extension_days: int = 0,
    subject: Model | None = None,
    label: str = "",
) -> Clock:
    """Start a statutory clock on ``start_on`` (that day is not counted)."""
    require(actor, Action.VIEW, organ=organ)
    if limit_days <= 0:
        raise InvalidInput(_("期限必须大于 0 个工作日。"), details={"field": "limit_days"})
    clock = Clock(
        organ=organ,
        purpose=purpose,
        basis=basis,
        limit_days=limit_days,
        max_extension_days=max_extension_days,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
    )
    events = [ClockEventData("start", start_on, label=label, basis=basis)]
    _store_result(clock, events, today=today_local())
    clock.save()
    ClockEvent.objects.create(
        clock=clock,
        kind=ClockEventKind.START,
        on=start_on,
        label=label,
        basis=basis,
        created_by=_user_or_none(actor),
    )
    record_event(
        "workdays.clock.started",
        actor=actor,
        obj=clock,
        changes={
            "purpose": purpose,
            "start_on": start_on,
            "limit_days": limit_days,
            "due_on": clock.due_on,
            "provisional": clock.provisional,
        },
    )
    return clock


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


_EVENT_ACTIONS: dict[str, str] = {
    ClockEventKind.RESTART: "workdays.clock.restarted",
    ClockEventKind.PAUSE: "workdays.clock.paused",
    ClockEventKind.RESUME: "workdays.clock.resumed",
    ClockEventKind.EXTEND: "workdays.clock.extended",
    ClockEventKind.STOP: "workdays.clock.stopped",
}


@transaction.atomic
def add_clock_event(
    clock: Clock,
    *,
    actor: Any,
    kind: str,
    on: dt.date,
    days: int = 0,
    label: str = "",
    basis: str = "",
) -> Clock:
    """Append an event (restart, pause, resume, extend, stop) and recompute the clock."""
    require(actor, Action.VIEW, organ=clock.organ)
    clock = Clock.objects.select_for_update().get(pk=clock.pk)
    if kind not in ClockEventKind.values or kind == ClockEventKind.START:
        raise InvalidInput(_("期限事件无效。"), details={"field": "kind"})
    events = clock_events(clock)
    if events and on < max(e.on for e in events):
        raise ClockError(_("事件日期不能早于已记录的事件。"), details={"field": "on"})
    if kind == ClockEventKind.EXTEND:
        already = sum(e.days for e in events if e.kind == "extend")
        if already + days > clock.max_extension_days:
            raise ClockError(
                _("延长后共 %(n)d 个工作日，超过上限 %(cap)d 个工作日。")
                % {"n": already + days, "cap": clock.max_extension_days},
                details={"field": "days"},
            )
    events.append(ClockEventData(kind, on, days=days, label=label, basis=basis))  # type: ignore[arg-type]
    before = {"state": clock.state, "due_on": clock.due_on}
    changed = _store_result(clock, events, today=today_local())
    ClockEvent.objects.create(
        clock=clock,
        kind=kind,
        on=on,
        days=days,
        label=label,
        basis=basis,
        created_by=_user_or_none(actor),
    )
    if changed:
        clock.save(update_fields=changed)
    record_event(
        _EVENT_ACTIONS[kind],
        actor=actor,
        obj=clock,
        changes={
            "on": on,
            "days": days,
            "label": label,
            "before": before,
            "after": {"state": clock.state, "due_on": clock.due_on},
        },
    )
    return clock


def recompute_clocks(clocks: Iterable[Clock], *, today: dt.date | None = None) -> int:
    """Recompute stored due dates and states; return how many clocks changed."""
    today = today or today_local()
    calendar = get_calendar()
    counts_start = count_start_day()
    changed_count = 0
    batch: list[Clock] = []
    for clock in clocks:
        events = [
            ClockEventData(kind=e.kind, on=e.on, days=e.days)  # type: ignore[arg-type]
            for e in clock.events.all()
        ]
        result = compute_clock(
            events,
            limit_days=clock.limit_days,
            calendar=calendar,
            today=today,
            count_start_day=counts_start,
        )
        values = (result.state, result.due_on, result.provisional, result.stopped_on)
        if values != (clock.state, clock.due_on, clock.provisional, clock.stopped_on):
            clock.state, clock.due_on, clock.provisional, clock.stopped_on = values
            batch.append(clock)
            changed_count += 1
        if len(batch) >= 1000:
            _store_batch(batch)
    if batch:
        _store_batch(batch)
    return changed_count


def _store_batch(batch: list[Clock]) -> None:
    Clock.objects.bulk_update(batch, ["state", "due_on", "provisional", "stopped_on"])
    clocks_recomputed.send(sender=Clock, clock_ids=[clock.pk for clock in batch])
    batch.clear()


@transaction.atomic
def recompute_open_clocks(*, actor: Any, today: dt.date | None = None) -> int:
    """Recompute every open clock (after a calendar change, and daily for overdue states)."""
    clocks = Clock.objects.exclude(state=ClockState.STOPPED).prefetch_related("events")
    changed = recompute_clocks(clocks.iterator(chunk_size=2000), today=today)
    record_event("workdays.clocks.recomputed", actor=actor, changes={"changed": changed})
    return changed
