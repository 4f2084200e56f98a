"""Publishing benchmark: incremental publication, full rebuild, and Hugo on the same page count.

    python -m bench.publishing --items 100000 --jobs 2

Fills one organ with published items (and their published versions), then
1. builds the whole site with ``build_site`` (pages/s) twice, each after a build of an equivalent
   Hugo site (same number of article pages with the same bodies, list pages of 20) with Debian's
   ``hugo``, and reports the better run of each: the two alternate, so neither gets a quieter
   disk (nothing is deleted until the end: ext4 creates files slowly for a while after a mass
   deletion); then Hugo once more with ``uglyURLs`` (flat files), for reference; then a
   rebuild of each over its existing output (gongkai recycles its oldest release, Hugo
   writes into its first run's directory), as a nightly rebuild runs;
2. publishes new items through the whole service path — draft, review, approval, then the timed
   ``publish_item`` whose commit announces the item and runs the publish task (the immediate
   task backend: commit → every affected file on disk, no worker polling), and separately times
   the publisher alone (render + write of the affected pages);
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import demo_organ, published_item, setup_django

PARAGRAPH = (
    "根据《中华人民共和国政府信息公开条例》和上级机关关于政务公开工作的部署，"
    "本机关坚持以公开为常态、不公开为例外，依法依规做好政府信息主动公开工作，"
    "及时回应社会关切，不断提升政务公开质量和实效。"
)


def body_for(i: int) -> str:
    return "".join(f"<p>{PARAGRAPH}（第{i}号文件第{n}段）</p>" for n in range(12))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1)


def hugo_site(count: int, workdir: Path) -> Path | None:
    """An equivalent Hugo site: ``count`` articles with the same bodies, lists of 20. Its
    ``config.toml`` gives the same kind of address as gongkai's (``/items/N/``: Hugo writes a
    directory per page); ``flat.toml`` adds ``uglyURLs`` (``/items/N.html``: flat files, the
    layout gongkai writes behind its addresses)."""
    if shutil.which("hugo") is None:
        return None
    site = workdir / "hugo"
    (site / "content" / "items").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    config = (
        'baseURL = "http://127.0.0.1/"\nlanguageCode = "zh-CN"\ntitle = "政府信息公开"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
        "paginate = 20\n"  # Debian's hugo 0.111 (newer releases: [pagination] pagerSize)
    )
    (site / "config.toml").write_text(config, encoding="utf-8")
    (site / "flat.toml").write_text(config + "uglyURLs = true\n", encoding="utf-8")
    layouts = site / "layouts" / "_default"
    (layouts / "baseof.html").write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
        '<link rel="stylesheet" href="/static/portal/site.css"></head><body><header>政府信息公开'
        '</header><main>{{ block "main" . }}{{ end }}</main>'
        "<footer>主办单位</footer></body></html>",
        encoding="utf-8",
    )
    (layouts / "single.html").write_text(
        '{{ define "main" }}<table class="meta"><tr><th>索引号</th><td>{{ .Params.index }}</td>'
        '<th>发布日期</th><td>{{ .Date.Format "2006-01-02" }}</td></tr></table>'
        "<article><h1>{{ .Title }}</h1>{{ .Content }}</article>{{ end }}",
        encoding="utf-8",
    )
    (layouts / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>'
        "{{ end }}</ul>{{ end }}",
        encoding="utf-8",
    )
    day = dt.date(2015, 1, 1)
    for i in range(count):
        published = day + dt.timedelta(days=i % 4000)
        (site / "content" / "items" / f"{i}.html").write_text(
            f'---\ntitle: "关于政务公开工作的通知 第{i}号"\ndate: {published}\n'
            f'index: "11442000MB2C0/{2015 + i % 10}-{i:06d}"\n---\n{body_for(i)}\n',
            encoding="utf-8",
        )
    return site


def hugo_run(site: Path, destination: str, *, flat: bool = False) -> tuple[int, float]:
    """(pages, seconds) of one Hugo build of ``site`` into ``destination`` (new, or a rebuild
    over an earlier run's output)."""
    config = "flat.toml" if flat else "config.toml"
    started = time.perf_counter()
    subprocess.run(
        ["hugo", "--quiet", "--source", str(site), "--config", config, "-d", destination],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    return sum(1 for _ in (site / destination).rglob("*.html")), seconds


def fill_items(
    organ: Any, coordinator: Any, nodes: list[Any], units: list[Any], count: int
) -> None:
    """``count`` published items (each with its published version) spread over ``nodes``."""
    from django.db import transaction
    from django.utils import timezone

    from gongkai.disclosure.models import DisclosureItem, ItemVersion

    rng = random.Random(2019)
    now = timezone.now()
    for first in range(0, count, 5000):
        batch = []
        for i in range(first, min(first + 5000, count)):
            published = dt.date(2015, 1, 1) + dt.timedelta(days=i * 4000 // count)
            batch.append(
                published_item(
                    organ,
                    coordinator,
                    i,
                    published,
                    unit=rng.choice(units),
                    node=rng.choice(nodes),
                    title=f"关于政务公开工作的通知 第{i}号",
                    summary="政务公开工作",
                    body=body_for(i),
                )
            )
        with transaction.atomic():
            created = DisclosureItem.objects.bulk_create(batch)
            ItemVersion.objects.bulk_create(
                [
                    ItemVersion(
                        item=item,
                        version=1,
                        published_at=now,
                        published_by=coordinator,
                        snapshot={
                            "title": item.title,
                            "body": item.body,
                            "summary": item.summary,
                            "index_no": item.index_no,
                            "unit_name": "",
                            "node_name": "",
                            "attachments": [],
                        },
                    )
                    for item in created
                ]
            )
        print(f"{first + len(batch):,} items", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection

    from gongkai.accounts.choices import Role
    from gongkai.core.time import today_local
    from gongkai.disclosure import services
    from gongkai.disclosure.catalogue import ensure_catalogue
    from gongkai.disclosure.models import DisclosureItem
    from gongkai.publishing.services import build_site, publish_item

    workdir = Path(tempfile.mkdtemp(prefix="gongkai-bench-site-"))
    settings.GONGKAI_SITE_ROOT = workdir / "site"
    organ, coordinator = demo_organ()
    from gongkai.accounts.models import User

    users = {role: User.objects.get(username=role) for role in (Role.REVIEWER, Role.LEADER)}
    nodes = [n for n in ensure_catalogue(organ) if n.parent_id is not None]
    units = list(organ.units.all())
    started = time.perf_counter()
    fill_items(organ, coordinator, nodes, units, args.items)
    fill_seconds = time.perf_counter() - started

    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"build {done:,}/{total:,}", file=sys.stderr, flush=True)

    hugo = hugo_site(args.items, workdir)
    hugo_runs: list[tuple[int, float]] = []
    builds = []
    for n in (1, 2):
        if hugo is not None:
            hugo_runs.append(hugo_run(hugo, f"public-{n}"))
        builds.append(build_site(jobs=args.jobs, progress=progress))
    built = min(builds, key=lambda b: b.seconds)
    hugo_flat = hugo_run(hugo, "public-flat", flat=True) if hugo is not None else None
    # A rebuild over the site as it is (as a nightly rebuild runs): gongkai writes into its
    # oldest release, recycled; Hugo into the output directory of its first run.
    rebuilt = build_site(jobs=args.jobs, progress=progress)
    hugo_again = hugo_run(hugo, "public-1") if hugo is not None else None

    commit_to_disk: list[float] = []
    publisher_only: list[float] = []
    for n in range(args.samples):
        item = services.create_draft(
            organ,
            actor=coordinator,
            unit=units[0],
            node=nodes[n % len(nodes)],
            title=f"基准测试新发布信息 {n}",
            formed_on=today_local(),
            body=body_for(n),
        )
        services.submit_item(item, actor=coordinator)
        services.review_item(item, actor=users[Role.REVIEWER], decision="disclose", basis="")
        services.approve_item(item, actor=users[Role.LEADER])
        t = time.perf_counter()
        services.publish_item(item, actor=coordinator)  # commit → announce → task → files
        commit_to_disk.append(time.perf_counter() - t)
        t = time.perf_counter()
        publish_item(item.pk)
        publisher_only.append(time.perf_counter() - t)

    result: dict[str, Any] = {
        "database": connection.vendor,
        "items": DisclosureItem.objects.count(),
        "fill_seconds": round(fill_seconds, 1),
        "jobs": args.jobs,
        "build_pages": built.pages,
        "build_files": built.files,
        "build_seconds": round(built.seconds, 1),
        "build_pages_per_s": round(built.pages / built.seconds),
        "build_runs_seconds": [round(b.seconds, 1) for b in builds],
        "rebuild_seconds": round(rebuilt.seconds, 1),
        "rebuild_pages_per_s": round(rebuilt.pages / rebuilt.seconds),
        "publish_p50_ms": round(statistics.median(commit_to_disk) * 1000, 1),
        "publish_p95_ms": p95(commit_to_disk),
        "render_write_p50_ms": round(statistics.median(publisher_only) * 1000, 1),
        "render_write_p95_ms": p95(publisher_only),
    }
    if hugo_runs and hugo_flat is not None:
        pages, seconds = min(hugo_runs, key=lambda run: run[1])
        result |= {
            "hugo_pages": pages,
            "hugo_seconds": round(seconds, 1),
            "hugo_pages_per_s": round(pages / seconds),
            "hugo_runs_seconds": [round(run[1], 1) for run in hugo_runs],
            "hugo_flat_pages": hugo_flat[0],
            "hugo_flat_seconds": round(hugo_flat[1], 1),
            "hugo_flat_pages_per_s": round(hugo_flat[0] / hugo_flat[1]),
        }
    if hugo_again is not None:
        result |= {
            "hugo_rebuild_seconds": round(hugo_again[1], 1),
            "hugo_rebuild_pages_per_s": round(hugo_again[0] / hugo_again[1]),
        }
    shutil.rmtree(workdir, ignore_errors=True)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
