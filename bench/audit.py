"""Audit-log benchmark, run in its own process against a scratch database.

    python -m bench.audit --writes 5000 --events 1000000

Prints one JSON object: writes per second through ``record_event`` (one transaction each, as a
service does) and the time ``verify_chain`` takes over ``--events`` records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import tracemalloc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--writes", type=int, default=5000)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from gongkai.core.actors import SYSTEM
    from gongkai.core.audit import (
        _HASHED_FIELDS,
        GENESIS_HASH,
        _digest,
        canonical_json,
        record_event,
        verify_chain,
    )
    from gongkai.core.models import AuditEvent, AuditScheme

    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    for i in range(args.writes):
        with transaction.atomic():
            record_event("bench.event.written", actor=SYSTEM, changes={"i": i, "单位": "办公室"})
    write_seconds = time.perf_counter() - started

    # Fill the chain up to --events quickly: same hashing (keyed), bulk inserts.
    last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = last if last else (0, GENESIS_HASH)
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    fill_started = time.perf_counter()
    batch: list[AuditEvent] = []
    while seq < args.events:
        seq += 1
        fields = {
            "seq": seq,
            "created_at": base + dt.timedelta(seconds=seq),
            "organ_id": 1,
            "actor_id": (seq % 50) + 1,
            "actor_label": f"user{seq % 50}",
            "action": "disclosure.item.published",
            "object_type": "disclosure.item",
            "object_id": str(seq),
            "object_repr": f"关于印发2019年政务公开工作要点分工方案的通知 {seq}",
            "changes": canonical_json({"status": ["approved", "published"], "seq": seq}),
            "ip": "10.0.0.1",
            "user_agent": "Mozilla/5.0",
            "prev_hash": prev,
        }
        prev = _digest(tuple(fields[name] for name in _HASHED_FIELDS))
        batch.append(AuditEvent(**fields, scheme=AuditScheme.HMAC_SHA256, hash=prev))
        if len(batch) == 20_000:
            with transaction.atomic():
                AuditEvent.objects.bulk_create(batch)
            batch.clear()
    if batch:
        with transaction.atomic():
            AuditEvent.objects.bulk_create(batch)
    fill_seconds = time.perf_counter() - fill_started

    tracemalloc.start()
    started = time.perf_counter()
    report = verify_chain()
    verify_seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # tracemalloc slows Python down; time a second pass without it.
    started = time.perf_counter()
    verify_chain()
    verify_plain = time.perf_counter() - started

    json.dump(
        {
            "database": connection.vendor,
            "writes": args.writes,
            "writes_per_second": round(args.writes / write_seconds, 1),
            "events": report.checked,
            "chain_ok": report.ok,
            "fill_seconds": round(fill_seconds, 1),
            "verify_seconds": round(verify_plain, 2),
            "verify_seconds_traced": round(verify_seconds, 2),
            "verify_peak_mib": round(peak / 2**20, 1),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
