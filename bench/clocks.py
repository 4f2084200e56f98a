"""Working-day benchmark: ``add_working_days`` calls per second and recomputing 1,000,000 clocks.

    python -m bench.clocks --clocks 1000000

Runs on the calendar value alone (as the recompute job does once it has loaded the events),
so no database is involved. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clocks", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from chinese_calendar import constants

    from gongkai.workdays.calendar import WorkCalendar
    from gongkai.workdays.clock import ClockEventData, compute_clock

    started = time.perf_counter()
    calendar = WorkCalendar(
        holidays=constants.holidays,
        makeup_days=constants.workdays,
        loaded_years=range(2004, 2027),
        first_year=2004,
        last_year=2030,
    )
    build_seconds = time.perf_counter() - started

    rng = random.Random(2019)
    base = dt.date(2019, 1, 1).toordinal()
    starts = [dt.date.fromordinal(base + rng.randrange(0, 7 * 365)) for _ in range(args.calls)]
    counts = [rng.randrange(1, 60) for _ in range(args.calls)]
    add = calendar.add_working_days
    started = time.perf_counter()
    for start, n in zip(starts, counts, strict=True):
        add(start, n)
    add_seconds = time.perf_counter() - started

    clocks = []
    for i in range(args.clocks):
        start = dt.date.fromordinal(base + rng.randrange(0, 7 * 365))
        events = [ClockEventData("start", start)]
        mix = i % 20
        if mix < 3:  # third-party consultation
            events += [
                ClockEventData("pause", start + dt.timedelta(days=5)),
                ClockEventData("resume", start + dt.timedelta(days=25)),
            ]
        elif mix < 5:  # clarification received
            events.append(ClockEventData("restart", start + dt.timedelta(days=6)))
        elif mix < 7:  # extension
            events.append(ClockEventData("extend", start + dt.timedelta(days=20), days=20))
        elif mix < 10:  # answered
            events.append(ClockEventData("stop", start + dt.timedelta(days=rng.randrange(3, 40))))
        clocks.append(events)
    today = dt.date(2026, 11, 27)
    started = time.perf_counter()
    for events in clocks:
        compute_clock(events, limit_days=20, calendar=calendar, today=today)
    clock_seconds = time.perf_counter() - started

    json.dump(
        {
            "calendar_build_seconds": round(build_seconds, 3),
            "add_calls": args.calls,
            "add_per_second": round(args.calls / add_seconds),
            "clocks": args.clocks,
            "clock_recompute_seconds": round(clock_seconds, 2),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
