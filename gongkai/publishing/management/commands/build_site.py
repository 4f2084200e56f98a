"""gongkai build_site: render the whole public site into a new release and switch to it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.publishing.services import build_site


class Command(BaseCommand):
    help = "全量生成公开网站静态页面（并行），完成后整体切换。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jobs", type=int, default=2, help="并行进程数（默认 2）。")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = max(1, int(options["jobs"]))
        last = [-1]

        def progress(done: int, total: int) -> None:
            percent = done * 100 // max(total, 1)
            if percent != last[0]:
                last[0] = percent
                bar = "#" * (percent // 4)
                self.stderr.write(f"\r生成页面 [{bar:<25}] {done}/{total}", ending="")
                self.stderr.flush()

        built = build_site(jobs=jobs, progress=progress)
        self.stderr.write("")
        rate = built.pages / built.seconds if built.seconds else 0.0
        self.stdout.write(
            f"已生成 {built.pages} 个页面、{built.files} 个文件，用时 {built.seconds:.1f} 秒"
            f"（{rate:.0f} 页/秒），已切换到 {built.release.name}。"
        )
        for url in built.failed:
            self.stdout.write(f"  未生成：{url}")
