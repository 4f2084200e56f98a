"""Information-request benchmark: the staff queue over many requests.

    python -m bench.foi --requests 1000000

Fills one organ with requests (10 % open, the rest replied or closed) and their clocks, then
times the staff queue page (every view) and the API queue filtered by overdue, due within 5
working days and handling unit. Prints one JSON object with p50/p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import statistics
import sys
import time

from bench.common import demo_organ, setup_django


def _queue_due(status: str, due: dt.date | None, today: dt.date) -> dt.date:
    """What services.queue_fields stores: no due date while waiting for receipt or paused
    before the deadline (the clock then has none)."""
    from gongkai.foi.models import NO_DUE_DATE

    if due is None or status == "awaiting":
        return NO_DUE_DATE
    if status in ("clarifying", "consulting") and due >= today:
        return NO_DUE_DATE
    return due


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from gongkai.core.time import today_local
    from gongkai.foi.choices import RequestStatus
    from gongkai.foi.models import InfoRequest
    from gongkai.foi.selectors import OPEN
    from gongkai.workdays.models import Clock

    organ, coordinator = demo_organ()
    units = list(organ.units.all())
    rng = random.Random(2019)
    today = today_local()
    open_states = [RequestStatus.PROCESSING] * 7 + [
        RequestStatus.CLARIFYING,
        RequestStatus.CONSULTING,
        RequestStatus.AWAITING_RECEIPT,
    ]
    started = time.perf_counter()
    chunk = 10_000
    for first in range(0, args.requests, chunk):
        n = min(chunk, args.requests - first)
        rows = []
        for i in range(first, first + n):
            is_open = rng.random() < 0.10
            status = (
                rng.choice(open_states)
                if is_open
                else rng.choice([RequestStatus.REPLIED] * 9 + [RequestStatus.CLOSED])
            )
            if is_open:
                received = today - dt.timedelta(days=rng.randrange(0, 45))
            else:
                received = today - dt.timedelta(days=rng.randrange(30, 3650))
            rows.append((i, status, received))
        with transaction.atomic():
            clocks = Clock.objects.bulk_create(
                [
                    Clock(
                        organ=organ,
                        purpose="依申请公开答复",
                        limit_days=20,
                        max_extension_days=20,
                        subject_type="foi.inforequest",
                        state="paused"
                        if status in (RequestStatus.CLARIFYING, RequestStatus.CONSULTING)
                        else "running"
                        if status in (RequestStatus.PROCESSING,)
                        else "stopped",
                        due_on=received + dt.timedelta(days=28),
                        provisional=received.year > 2026,
                    )
                    for _i, status, received in rows
                ]
            )
            InfoRequest.objects.bulk_create(
                [
                    InfoRequest(
                        organ=organ,
                        number=f"YSQB-{i:08d}",
                        query_code_hash="0" * 64,
                        applicant_type="natural",
                        name=f"申请人{i}",
                        id_type="resident_id",
                        id_number="11010519491231002X",
                        phone="13800000000",
                        info_title="行政处罚决定书",
                        provision_form="electronic",
                        delivery="email",
                        channel="online",
                        arrived_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))),
                        receipt_on=received,
                        clock=clock if status != RequestStatus.AWAITING_RECEIPT else None,
                        handling_unit=rng.choice(units) if rng.random() < 0.8 else None,
                        status=status,
                        outcome="1" if status == RequestStatus.REPLIED else "",
                        is_open=status in OPEN,
                        queue_due_on=_queue_due(status, clock.due_on, today),
                        queue_provisional=clock.provisional,
                    )
                    for (i, status, received), clock in zip(rows, clocks, strict=True)
                ]
            )
        if first % 100_000 == 0:
            print(f"{first + n:,} requests", file=sys.stderr, flush=True)
    fill_seconds = time.perf_counter() - started
    call_command("optimize_db", stdout=io.StringIO())  # what the daily job does

    client = Client()
    client.force_login(coordinator)
    pages = [
        ("/staff/requests/", {"view": view})
        for view in ("open", "due_soon", "overdue", "paused", "provisional", "closed")
    ]
    api = [
        ("/api/v1/foi/requests", {"organ_id": organ.pk, **query})
        for query in (
            {},
            {"overdue": "true"},
            {"due_within": 5},
            {"unit_id": units[2].pk},
            {"unit_id": units[3].pk, "overdue": "true"},
            {"status": "closed", "offset": 500},
        )
    ]
    for url, params in pages + api:
        assert client.get(url, params).status_code == 200, (url, params)
    timings: dict[str, list[float]] = {"page": [], "api": []}
    by_target: dict[str, list[float]] = {}
    for _round in range(5):
        for kind, targets in (("page", pages), ("api", api)):
            for url, params in targets:
                t = time.perf_counter()
                response = client.get(url, params)
                timings[kind].append(time.perf_counter() - t)
                key = f"{url}?{'&'.join(f'{k}={v}' for k, v in params.items() if k != 'organ_id')}"
                by_target.setdefault(key, []).append(time.perf_counter() - t)
                assert response.status_code == 200

    def p95(values: list[float]) -> float:
        values = sorted(values)
        return round(values[max(0, int(len(values) * 0.95) - 1)] * 1000, 1)

    both = timings["page"] + timings["api"]
    json.dump(
        {
            "database": connection.vendor,
            "requests": InfoRequest.objects.count(),
            "fill_seconds": round(fill_seconds, 1),
            "page_p95_ms": p95(timings["page"]),
            "api_p95_ms": p95(timings["api"]),
            "p50_ms": round(statistics.median(both) * 1000, 1),
            "p95_ms": p95(both),
            "max_ms": round(max(both) * 1000, 1),
            "samples": len(both),
            "median_ms_by_target": {
                k: round(statistics.median(v) * 1000, 1) for k, v in by_target.items()
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
