"""Run every benchmark on scratch databases and write docs/benchmarks.md.

make bench                      # SQLite, and PostgreSQL if 127.0.0.1:5432 answers
BENCH_EVENTS=100000 make bench  # a quicker run
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOAL_VERIFY_SECONDS = 10.0
GOAL_EVENTS = 1_000_000
GOAL_CLOCKS = 1_000_000
GOAL_CLOCK_SECONDS = 5.0
GOAL_REQUESTS = 1_000_000
GOAL_QUEUE_P95_MS = 150.0
GOAL_PUBLISH_P95_MS = 300.0
GOAL_RENDER_WRITE_MS = 20.0
GOAL_SEARCH_P95_MS = 50.0
GOAL_SEARCH_P99_MS = 150.0
GOAL_REINDEX_SECONDS = 600.0
GOAL_SEARCH_ITEMS = 1_000_000


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def postgres_url() -> str | None:
    base = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    database = f"gongkai_bench_{os.getpid()}"
    created = subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {database}"],
        capture_output=True,
        check=False,
    )
    return f"{base}/{database}" if created.returncode == 0 else None


def drop_postgres(url: str) -> None:
    base, database = url.rsplit("/", 1)
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"],
        capture_output=True,
        check=False,
    )


def run_with(module: str, database_url: str | None, *args: str) -> dict[str, Any]:
    """``bench.<module>`` on SQLite (``database_url`` None) or on a scratch PostgreSQL database."""
    with tempfile.TemporaryDirectory() as var_dir:
        env = {**os.environ, "GONGKAI_VAR_DIR": var_dir, "GONGKAI_TASK_BACKEND": "immediate"}
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        result = subprocess.run(
            [sys.executable, "-m", f"bench.{module}", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def publishing_lines(r: dict[str, Any]) -> list[str]:
    """The public-site section of docs/benchmarks.md."""
    publish_met = r["publish_p95_ms"] <= GOAL_PUBLISH_P95_MS
    render_met = r["render_write_p95_ms"] <= GOAL_RENDER_WRITE_MS
    lines = [
        "",
        "## Public site (publishing)",
        "",
        f"{r['database']}, {r['items']:,} published items. Incremental: an item goes through "
        "draft, review and approval, then the timed `publish_item` whose commit announces it and "
        "runs the publish task (immediate task backend: commit → every affected file on disk, "
        "no worker polling); the publisher alone (render + write of the affected pages) is "
        f"timed separately. Goals: p95 ≤ {GOAL_PUBLISH_P95_MS:.0f} ms and ≤ "
        f"{GOAL_RENDER_WRITE_MS:.0f} ms. Full build: `build_site --jobs {r['jobs']}` against "
        "Debian's Hugo building an equivalent site (same number of article pages with the same "
        "bodies, lists of 20, addresses `/items/N/`), each twice, alternating, the better run "
        "of each compared (runs: gongkai "
        f"{', '.join(f'{x:.0f}' for x in r.get('build_runs_seconds', []))} s; Hugo "
        f"{', '.join(f'{x:.0f}' for x in r.get('hugo_runs_seconds', []))} s); "
        "goal: at least Hugo's pages/s.",
        "",
        "| measure | figure | goal |",
        "| --- | ---: | --- |",
        f"| publish, commit → files, p50 / p95 | {r['publish_p50_ms']:.0f} / "
        f"{r['publish_p95_ms']:.0f} ms | {'met' if publish_met else 'not met'} |",
        f"| render + write only, p50 / p95 | {r['render_write_p50_ms']:.0f} / "
        f"{r['render_write_p95_ms']:.0f} ms | {'met' if render_met else 'not met'} |",
        f"| full build | {r['build_pages']:,} pages ({r['build_files']:,} files) in "
        f"{r['build_seconds']:.0f} s = {r['build_pages_per_s']:,} pages/s | |",
    ]
    if r.get("hugo_pages_per_s"):
        met = r["build_pages_per_s"] >= r["hugo_pages_per_s"]
        lines.append(
            f"| Hugo, same page count | {r['hugo_pages']:,} pages in {r['hugo_seconds']:.0f} s "
            f"= {r['hugo_pages_per_s']:,} pages/s | {'met' if met else 'not met'} |"
        )
    if r.get("hugo_flat_pages_per_s"):
        lines.append(
            f"| Hugo with `uglyURLs` (flat files, as gongkai writes item pages; addresses "
            f"`/items/N.html`) | {r['hugo_flat_pages']:,} pages in "
            f"{r['hugo_flat_seconds']:.0f} s = {r['hugo_flat_pages_per_s']:,} pages/s | "
            "for reference |"
        )
    return lines


def search_lines(results: list[dict[str, Any]]) -> list[str]:
    """The search section of docs/benchmarks.md."""
    lines = [
        "",
        "## Search",
        "",
        "Published items whose text is drawn from sentences over a government vocabulary with a "
        "Zipf-like spread (the frequent words occur in most items); `gongkai reindex` with 2 "
        "segmenting processes, then a mix of frequent, middling and rare words, several words "
        "and filtered queries, 5 rounds. Relevance: a word in the title of one old item and in "
        "the bodies of many newer ones must rank that item first. Goals at "
        f"{GOAL_SEARCH_ITEMS:,} items: p95 ≤ {GOAL_SEARCH_P95_MS:.0f} ms, p99 ≤ "
        f"{GOAL_SEARCH_P99_MS:.0f} ms, reindex ≤ {GOAL_REINDEX_SECONDS / 60:.0f} min.",
        "",
        "| database | items | text | reindex | p50 | p95 | p99 | frequent p95 | title first | "
        "goals met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        met = (
            r["items"] >= GOAL_SEARCH_ITEMS
            and r["p95_ms"] <= GOAL_SEARCH_P95_MS
            and r["p99_ms"] <= GOAL_SEARCH_P99_MS
            and r["reindex_seconds"] <= GOAL_REINDEX_SECONDS
            and r["title_match_first"]
        )
        lines.append(
            f"| {r['database']} | {r['items']:,} | {r['text_mb']:,} MB | "
            f"{r['reindex_seconds']:.0f} s ({r['reindex_docs_per_s']:,}/s) | "
            f"{r['p50_ms']:.0f} ms | "
            f"{r['p95_ms']:.0f} ms | {r['p99_ms']:.0f} ms | {r['frequent_p95_ms']:.0f} ms | "
            f"{'yes' if r['title_match_first'] else 'no'} | {'yes' if met else 'no'} |"
        )
    for r in results:
        slow = ", ".join(f"`{q}` {ms:.0f} ms" for q, ms in r.get("slowest", [])[:3])
        lines.append(f"\nSlowest medians on {r['database']}: {slow}.")
    return lines


def serving_lines(r: dict[str, Any]) -> list[str]:
    """The serving section of docs/benchmarks.md."""
    if "error" in r:
        return ["", "## Serving", "", f"Not measured: {r['error']}."]
    return [
        "",
        "## Serving",
        "",
        f"The demo notice's published page (`{r['page']}`, {r['page_bytes']:,} bytes) from the "
        "application in embedded mode (gunicorn, 2 workers, the static-site middleware) and from "
        "nginx with `deploy/nginx.conf` (2 workers, `gzip_static`); wrk, 2 threads, 50 "
        "connections, 10 s, gzip accepted.",
        "",
        "| server | requests/s |",
        "| --- | ---: |",
        f"| embedded (gunicorn) | {r['embedded_rps']:,} |",
        f"| nginx | {r['nginx_rps']:,} ({r['ratio']}×) |",
        "",
        "With the application server stopped, nginx still served the page: "
        f"{'yes' if r['nginx_serves_with_app_stopped'] else 'no'}.",
    ]


def foi_lines(foi_results: list[dict[str, Any]]) -> list[str]:
    """The information-request section of docs/benchmarks.md."""
    lines = [
        "",
        "## Information requests",
        "",
        "The staff queue over one organ's requests (10 % open; the rest replied or closed), "
        "after `gongkai optimize_db`: the queue page (`/staff/requests/`, views open, due soon, "
        "overdue, paused, provisional, closed; 50 rows a page) and the API "
        "(`/api/v1/foi/requests`: all open, overdue, due within 5 working days, by unit, by unit "
        "and overdue, closed at offset 500), each 5 times. "
        f"Goal: p95 ≤ {GOAL_QUEUE_P95_MS:.0f} ms over {GOAL_REQUESTS:,} requests.",
        "",
        "| database | requests | fill | page p95 | API p95 | all p50 | all p95 | max | goal met |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in foi_results:
        met = r["requests"] >= GOAL_REQUESTS and r["p95_ms"] <= GOAL_QUEUE_P95_MS
        lines.append(
            f"| {r['database']} | {r['requests']:,} | {r['fill_seconds']:.0f} s | "
            f"{r['page_p95_ms']:.0f} ms | {r['api_p95_ms']:.0f} ms | {r['p50_ms']:.0f} ms | "
            f"{r['p95_ms']:.0f} ms | {r['max_ms']:.0f} ms | {'yes' if met else 'no'} |"
        )
    for r in foi_results:
        slow = sorted(r.get("median_ms_by_target", {}).items(), key=lambda kv: -kv[1])[:3]
        if slow:
            named = ", ".join(f"`{target}` {ms:.0f} ms" for target, ms in slow)
            lines.append(f"\nSlowest medians on {r['database']}: {named}.")
    return lines


def main() -> None:
    events = int(os.environ.get("BENCH_EVENTS", GOAL_EVENTS))
    writes = int(os.environ.get("BENCH_WRITES", 5000))
    print("disclosure benchmark …", flush=True)
    listing = run_with("disclosure", None, "--items", os.environ.get("BENCH_ITEMS", "100000"))
    print(listing, flush=True)
    print("work-plan benchmark …", flush=True)
    plan = run_with("workplan", None)
    print(plan, flush=True)
    clock_count = int(os.environ.get("BENCH_CLOCKS", GOAL_CLOCKS))
    print(f"working-day benchmark: {clock_count} clocks …", flush=True)
    clocks = run_with("clocks", None, "--clocks", str(clock_count))
    print(clocks, flush=True)
    foi_count = int(os.environ.get("BENCH_REQUESTS", GOAL_REQUESTS))
    foi_results = []
    print(f"information-request benchmark on SQLite: {foi_count:,} requests …", flush=True)
    foi_results.append(run_with("foi", None, "--requests", str(foi_count)))
    print(foi_results[-1], flush=True)
    url = postgres_url()
    if url:
        try:
            print("information-request benchmark on PostgreSQL …", flush=True)
            foi_results.append(run_with("foi", url, "--requests", str(foi_count)))
            print(foi_results[-1], flush=True)
        finally:
            drop_postgres(url)
    results = []
    print(f"audit benchmark on SQLite: {writes} writes, {events} events …", flush=True)
    results.append(run_with("audit", None, "--events", str(events), "--writes", str(writes)))
    print(results[-1], flush=True)
    url = postgres_url()
    if url:
        try:
            print("audit benchmark on PostgreSQL …", flush=True)
            results.append(run_with("audit", url, "--events", str(events), "--writes", str(writes)))
            print(results[-1], flush=True)
        finally:
            drop_postgres(url)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`). Each run uses scratch databases.",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {machine()}",
        "",
        "## Audit log",
        "",
        "Writes go through `record_event`, one transaction each (as a service writes them). "
        "Verification is `verify_chain` (what `gongkai verify_audit` runs) over the whole chain. "
        f"Goal: verify {GOAL_EVENTS:,} events in ≤ {GOAL_VERIFY_SECONDS:.0f} s.",
        "",
        "| database | audited writes/s | events verified | verify time | goal met | "
        "peak memory while verifying |",
        "| --- | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        met = r["events"] >= GOAL_EVENTS and r["verify_seconds"] <= GOAL_VERIFY_SECONDS
        lines.append(
            f"| {r['database']} | {r['writes_per_second']:,.0f} | {r['events']:,} | "
            f"{r['verify_seconds']:.2f} s | {'yes' if met else 'no'} | "
            f"{r['verify_peak_mib']:.1f} MiB |"
        )
    clock_met = (
        clocks["clocks"] >= GOAL_CLOCKS and clocks["clock_recompute_seconds"] <= GOAL_CLOCK_SECONDS
    )
    lines += [
        "",
        "## Working days and clocks",
        "",
        "On the in-memory calendar value (`gongkai.workdays.calendar.WorkCalendar`, 2004–2030), "
        "no database. Clocks are a mix: 50 % plain, 15 % paused and resumed, 10 % restarted, "
        "10 % extended, 15 % stopped. "
        f"Goal: recompute {GOAL_CLOCKS:,} clocks in ≤ {GOAL_CLOCK_SECONDS:.0f} s.",
        "",
        "| measure | figure |",
        "| --- | ---: |",
        f"| build the calendar value | {clocks['calendar_build_seconds'] * 1000:.0f} ms |",
        f"| `add_working_days` calls per second | {clocks['add_per_second']:,} |",
        f"| recompute {clocks['clocks']:,} clocks | {clocks['clock_recompute_seconds']:.2f} s "
        f"({'goal met' if clock_met else 'goal not met'}) |",
    ]
    lines += [
        "",
        "## Work-plan tracker",
        "",
        "SQLite. Import: parse and save the reference plan (9 categories, 32 tasks), median of "
        "5 runs; goal ≤ 500 ms. Dashboard: the whole page (`/staff/plans/dashboard/`, "
        f"{plan['plans']} plans, {plan['tasks']:,} tasks, {plan['units']} units, "
        f"{plan['reports']:,} reports), median of 10 requests; goal ≤ 300 ms with a query count "
        "that does not depend on the data size.",
        "",
        "| measure | figure | goal |",
        "| --- | ---: | --- |",
        f"| parse the reference plan | {plan['reference_parse_ms']:.1f} ms | |",
        f"| parse and save the reference plan | {plan['reference_import_ms']:.1f} ms | "
        f"{'met' if plan['reference_import_ms'] <= 500 else 'not met'} |",
        f"| dashboard page, median (max) | {plan['dashboard_ms_median']:.0f} ms "
        f"({plan['dashboard_ms_max']:.0f} ms) | "
        f"{'met' if plan['dashboard_ms_median'] <= 300 else 'not met'} |",
        f"| dashboard queries | {plan['dashboard_queries']} | constant (tested) |",
    ]
    lines += [
        "",
        "## Proactive disclosure",
        "",
        f"SQLite, {listing['items']:,} items; the staff list page (`/staff/disclosure/`) over a "
        "mix of 12 filter/sort/page combinations, each 5 times, after `gongkai optimize_db` "
        "(ANALYZE, run daily). Goal: p95 ≤ 200 ms.",
        "",
        "| measure | figure |",
        "| --- | ---: |",
        f"| list page p50 | {listing['list_p50_ms']:.0f} ms |",
        f"| list page p95 | {listing['list_p95_ms']:.0f} ms "
        f"({'goal met' if listing['list_p95_ms'] <= 200 else 'goal not met'}) |",
        f"| list page max | {listing['list_max_ms']:.0f} ms |",
    ]
    lines += foi_lines(foi_results)
    print("publishing benchmark …", flush=True)
    lines += publishing_lines(run_with("publishing", None, "--items", "100000", "--jobs", "2"))
    search_count = os.environ.get("BENCH_SEARCH_ITEMS", str(GOAL_SEARCH_ITEMS))
    search_results = [run_with("search", None, "--items", search_count)]
    url = postgres_url()
    if url:
        try:
            search_results.append(run_with("search", url, "--items", search_count))
        finally:
            drop_postgres(url)
    lines += search_lines(search_results)
    lines += serving_lines(run_with("serving", None))
    out = ROOT / "docs" / "benchmarks.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
