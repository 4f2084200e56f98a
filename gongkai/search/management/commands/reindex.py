"""gongkai reindex: rebuild the search index from the published content."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.search.services import reindex


class Command(BaseCommand):
    help = "重建站内搜索索引（只收录已公开的信息），显示进度。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jobs", type=int, default=2, help="分词进程数（默认 2）。")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            percent = done * 100 // max(total, 1)
            bar = "#" * (percent // 4)
            self.stderr.write(f"\r重建索引 [{bar:<25}] {done}/{total}", ending="")
            self.stderr.flush()

        count = reindex(jobs=max(1, int(options["jobs"])), progress=progress)
        self.stderr.write("")
        self.stdout.write(f"已收录 {count} 篇文档，用时 {time.perf_counter() - started:.1f} 秒。")
