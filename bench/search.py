"""Search benchmark: reindex and query a million published items.

    python -m bench.search --items 1000000

Fills one organ with published items whose text is drawn from a pool of sentences over a
government vocabulary with a Zipf-like spread (a few words occur in 100,000+ items, most in a
handful), then times ``reindex`` (2 segmenting processes) and a query mix of frequent, middling
and rare words, several words, and filtered queries. Relevance check: a word that appears in the
title of one old item and in the bodies of many newer ones must rank that item first.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time

from bench.common import demo_organ, published_item, setup_django

COMMON = [
    "公开",
    "政务",
    "信息",
    "工作",
    "通知",
    "管理",
    "服务",
    "政府",
    "部门",
    "依法",
    "规定",
    "办理",
    "情况",
    "社会",
    "公共",
    "单位",
    "组织",
    "实施",
    "推进",
    "落实",
    "加强",
    "建设",
    "制度",
    "机制",
    "监督",
    "检查",
    "行政",
    "执法",
    "许可",
    "处罚",
    "财政",
    "预算",
    "决算",
    "资金",
    "项目",
    "采购",
    "法律",
    "援助",
    "调解",
    "公证",
    "律师",
    "鉴定",
    "社区",
    "矫正",
    "普法",
    "宣传",
    "教育",
    "培训",
    "考核",
    "评估",
    "报告",
    "年度",
    "计划",
    "方案",
    "意见",
    "办法",
    "规范",
    "标准",
    "程序",
    "流程",
    "审批",
    "备案",
    "登记",
    "申请",
    "答复",
    "受理",
    "办结",
    "期限",
    "材料",
    "清单",
    "目录",
    "指南",
    "平台",
    "网站",
    "数据",
    "统计",
    "调查",
    "分析",
    "整改",
    "问题",
]
TERMS = [
    "政务公开",
    "依申请公开",
    "权责清单",
    "三公经费",
    "一网通办",
    "规范性文件",
    "政策解读",
    "行政处罚",
    "行政许可",
    "政府信息",
    "财政预算",
    "法律援助",
    "人民调解",
    "社区矫正",
    "营商环境",
]
RARE = "".join(chr(0x4E00 + i) for i in range(0, 20000, 7))


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words = TERMS + COMMON
    while len(words) < size:
        words.append(rng.choice(RARE) + rng.choice(RARE))
    return words


def sentence_pool(rng: random.Random, words: list[str], count: int) -> list[str]:
    weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(words))]
    pool = []
    for _ in range(count):
        picked = rng.choices(words, weights=weights, k=16)
        pool.append("".join(picked) + "。")
    return pool


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * q) - 1)] * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="沿用数据库中已有的信息（重复测量时）")
    parser.add_argument(
        "--queries-only", action="store_true", help="与 --reuse 同用：索引也沿用，只测查询"
    )
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from gongkai.disclosure.catalogue import ensure_catalogue
    from gongkai.disclosure.models import DisclosureItem
    from gongkai.search.backends import Filters
    from gongkai.search.selectors import search
    from gongkai.search.services import reindex

    organ, coordinator = demo_organ()
    nodes = [n for n in ensure_catalogue(organ) if n.parent_id is not None]
    units = list(organ.units.all())
    rng = random.Random(2019)
    words = vocabulary(rng, 6000)
    pool = sentence_pool(rng, words, 40_000)
    needle = "鉴定意见书"  # in one old title, and in many newer bodies
    started = time.perf_counter()
    text_bytes = 0
    reuse = args.reuse and DisclosureItem.objects.count() >= args.items
    for first in range(0, 0 if reuse else args.items, 5000):
        batch = []
        for i in range(first, min(first + 5000, args.items)):
            published = dt.date(2015, 1, 1) + dt.timedelta(days=i * 4000 // args.items)
            body = "".join(rng.choices(pool, k=12))
            title = f"关于{rng.choice(words)}{rng.choice(words)}工作的通知"
            if i == args.items // 10:
                title = f"关于规范{needle}格式的通知"
            elif i > args.items // 2 and i % 997 == 0:
                body += f"依照{needle}的要求办理。"
            text_bytes += len(body.encode()) + len(title.encode())
            batch.append(
                published_item(
                    organ,
                    coordinator,
                    i,
                    published,
                    unit=rng.choice(units),
                    node=rng.choice(nodes),
                    title=title,
                    body=body,
                )
            )
        with transaction.atomic():
            DisclosureItem.objects.bulk_create(batch)
        if first % 100_000 == 0:
            print(f"{first + len(batch):,} items", file=sys.stderr, flush=True)
    fill_seconds = time.perf_counter() - started
    if reuse:  # the text of the items already there
        if connection.vendor == "postgresql":
            size = "SUM(octet_length(body)) + SUM(octet_length(title))"
        else:
            size = "SUM(length(CAST(body AS BLOB))) + SUM(length(CAST(title AS BLOB)))"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {size} FROM disclosure_disclosureitem")
            text_bytes = int(cursor.fetchone()[0] or 0)

    from gongkai.search.models import SearchDocument

    started = time.perf_counter()
    if reuse and args.queries_only and SearchDocument.objects.count() >= args.items:
        count, reindex_seconds = SearchDocument.objects.count(), 0.0  # not measured this run
    else:
        count = reindex(jobs=args.jobs)
        reindex_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")

    frequent = ["公开", "工作", "政务公开", "通知"]
    middling = list(words[60:400:40])
    rare = list(words[3000:6000:400])
    multi = ["政务公开 工作", "行政处罚 公开", "财政预算 资金", "依申请公开 答复"]
    node = nodes[0]
    filtered = [
        ("公开", Filters(node_ids=(node.pk,))),
        ("工作", Filters(year=2020)),
        ("政务公开", Filters(publisher=units[0].name)),
    ]
    mix: list[tuple[str, Filters]] = [(q, Filters()) for q in frequent + middling + rare + multi]
    mix += filtered
    for query, flt in mix:  # warm up
        search(query, filters=flt)
    timings: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for _round in range(5):
        for query, flt in mix:
            t = time.perf_counter()
            result = search(query, filters=flt)
            elapsed = time.perf_counter() - t
            key = query + (" [filtered]" if flt != Filters() else "")
            timings.setdefault(key, []).append(elapsed)
            totals[key] = result.total
    every = [t for values in timings.values() for t in values]
    frequent_times = [t for q in frequent for t in timings[q]]
    needle_hits = search(needle)
    top_title = needle_hits.hits[0].plain_title if needle_hits.hits else ""
    json.dump(
        {
            "database": connection.vendor,
            "items": count,
            "text_mb": round(text_bytes / 2**20),
            "fill_seconds": round(fill_seconds, 1),
            "reindex_seconds": round(reindex_seconds, 1),
            "reindex_docs_per_s": round(count / reindex_seconds) if reindex_seconds else None,
            "queries": len(every),
            "p50_ms": p(every, 0.50),
            "p95_ms": p(every, 0.95),
            "p99_ms": p(every, 0.99),
            "max_ms": round(max(every) * 1000, 1),
            "frequent_p95_ms": p(frequent_times, 0.95),
            "hits_of_frequent": {q: totals[q] for q in frequent},
            "title_match_first": needle in top_title,
            "needle_total": needle_hits.total,
            "slowest": sorted(
                ((k, round(statistics.median(v) * 1000, 1)) for k, v in timings.items()),
                key=lambda kv: -kv[1],
            )[:5],
        },
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main()
