"""Work-plan benchmark: importing the reference plan, and the dashboard at scale.

    python -m bench.workplan

Dashboard data: 50 plans × 40 tasks, 60 units, 20,000 progress reports. Prints one JSON object.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import time

from bench.common import demo_organ, setup_django


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gongkai.accounts.choices import UnitKind
    from gongkai.accounts.models import Unit
    from gongkai.workplan.demo import REFERENCE_PLAN
    from gongkai.workplan.importing import import_plan
    from gongkai.workplan.models import Category, Cycle, Plan, ProgressReport, Task, TaskUnit
    from gongkai.workplan.parsing.plan import parse_plan
    from gongkai.workplan.parsing.sources import read_blocks

    organ, coordinator = demo_organ()
    data = REFERENCE_PLAN.read_bytes()

    parse_times, import_times = [], []
    for _ in range(5):
        started = time.perf_counter()
        parsed = parse_plan(read_blocks(data))
        parse_times.append(time.perf_counter() - started)
        import_plan(organ, parsed, actor=coordinator, source_name="ref.txt")
        import_times.append(time.perf_counter() - started)

    rng = random.Random(2019)
    units = list(Unit.objects.filter(organ=organ))
    for i in range(60 - len(units)):
        units.append(
            Unit.objects.create(organ=organ, name=f"基准单位{i:02d}", kind=UnitKind.DIVISION)
        )
    while Plan.objects.count() < 50:
        year = 2015 + Plan.objects.count() % 10
        plan = Plan.objects.create(organ=organ, year=year, title=f"{year} 年基准方案")
        categories = [Category(plan=plan, seq=c, title=f"类别{c}") for c in range(1, 9)]
        Category.objects.bulk_create(categories)
        Cycle.objects.bulk_create(
            [
                Cycle(
                    plan=plan,
                    seq=q,
                    title=f"第{q}季度",
                    starts_on=dt.date(year, q * 3 - 2, 1),
                    closes_on=dt.date(year, q * 3, 28),
                )
                for q in range(1, 5)
            ]
        )
        tasks = Task.objects.bulk_create(
            [
                Task(
                    plan=plan,
                    category=categories[t % 8],
                    seq=t,
                    sort_order=t * 10,
                    requirement=f"基准任务 {t}",
                    deadline_kind="date",
                    due_on=dt.date(year, 12, 31),
                )
                for t in range(1, 41)
            ]
        )
        TaskUnit.objects.bulk_create(
            [
                TaskUnit(
                    task=task,
                    role=role,
                    unit=rng.choice(units),
                    accepted_status=rng.choice(["done", "in_progress", "not_started"]),
                )
                for task in tasks
                for role in ("lead", "lead", "co")
            ]
        )
    assignments = list(
        TaskUnit.objects.select_related("task").filter(role="lead", unit__isnull=False)
    )
    cycles = {c.plan_id: c for c in Cycle.objects.filter(seq=1)}
    reports: list[ProgressReport] = []
    while len(reports) + ProgressReport.objects.count() < 20_000:
        a = rng.choice(assignments)
        assert a.unit_id is not None  # the query above keeps only assignments with a unit
        reports.append(
            ProgressReport(
                task=a.task,
                cycle=cycles.get(a.task.plan_id) or Cycle.objects.filter(plan=a.task.plan).first(),
                assignment=a,
                unit_id=a.unit_id,
                status="in_progress",
                text="基准进展",
                submitted_by=coordinator,
                review_status="accepted",
            )
        )
    for start in range(0, len(reports), 2000):
        ProgressReport.objects.bulk_create(reports[start : start + 2000])

    client = Client()
    client.force_login(coordinator)
    client.get("/staff/plans/dashboard/")
    times = []
    for _ in range(10):
        started = time.perf_counter()
        response = client.get("/staff/plans/dashboard/")
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/staff/plans/dashboard/")
    json.dump(
        {
            "reference_parse_ms": round(statistics.median(parse_times) * 1000, 1),
            "reference_import_ms": round(statistics.median(import_times) * 1000, 1),
            "plans": Plan.objects.count(),
            "tasks": Task.objects.count(),
            "units": Unit.objects.filter(organ=organ).count(),
            "reports": ProgressReport.objects.count(),
            "dashboard_ms_median": round(statistics.median(times) * 1000, 1),
            "dashboard_ms_max": round(max(times) * 1000, 1),
            "dashboard_queries": len(queries),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
