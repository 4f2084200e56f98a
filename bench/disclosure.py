"""Disclosure benchmark: the staff list over 100,000 items with filters and sorting.

    python -m bench.disclosure --items 100000

Prints one JSON object with the p50/p95 of the list page over a mix of filters and sorts.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.test import Client

    from gongkai.disclosure.catalogue import ensure_catalogue
    from gongkai.disclosure.models import DisclosureItem

    organ, coordinator = demo_organ()
    nodes = ensure_catalogue(organ)
    units = list(organ.units.all())
    rng = random.Random(2019)
    statuses = ["published"] * 8 + ["draft", "submitted"]
    words = ["行政处罚", "权责清单", "政策解读", "预算", "决算", "招聘", "规范性文件", "通知"]
    batch = []
    started = time.perf_counter()
    for i in range(args.items):
        formed = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 4000))
        status = rng.choice(statuses)
        batch.append(
            DisclosureItem(
                organ=organ,
                unit=rng.choice(units),
                node=rng.choice(nodes),
                created_by=coordinator,
                title=f"关于{rng.choice(words)}的公告 第{i}号",
                formed_on=formed,
                status=status,
                version=1 if status == "published" else 0,
                index_no=f"{organ.index_code}/{formed.year}-{i:06d}"
                if status == "published"
                else "",
                published_on=formed + dt.timedelta(days=rng.randrange(1, 30))
                if status == "published"
                else None,
            )
        )
        if len(batch) == 5000:
            DisclosureItem.objects.bulk_create(batch)
            batch.clear()
    DisclosureItem.objects.bulk_create(batch)
    fill_seconds = time.perf_counter() - started
    call_command("optimize_db", stdout=io.StringIO())  # what the daily job does

    client = Client()
    client.force_login(coordinator)
    queries = [
        {},
        {"sort": "published"},
        {"sort": "title"},
        {"status": "published", "sort": "index"},
        {"q": "权责清单"},
        {"q": "第4242号"},
        {"year": "2019"},
        {"unit": str(units[3].pk)},
        {"node": str(nodes[5].pk), "sort": "published"},
        {"status": "draft", "page": "3"},
        {"kind": "general", "year": "2021", "sort": "formed"},
        {"page": "200"},
    ]
    client.get("/staff/disclosure/")
    times = []
    for _round in range(5):
        for params in queries:
            t = time.perf_counter()
            response = client.get("/staff/disclosure/", params)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200
    times.sort()
    json.dump(
        {
            "items": DisclosureItem.objects.count(),
            "fill_seconds": round(fill_seconds, 1),
            "list_p50_ms": round(statistics.median(times) * 1000, 1),
            "list_p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
            "list_max_ms": round(times[-1] * 1000, 1),
            "requests": len(times),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
