"""gongkai verify_audit: walk the audit hash chain; exit 1 naming the first bad record."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongkai.core.audit import verify_chain
from gongkai.core.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计日志哈希链；发现问题时以非零状态退出并指出第一条有问题的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="不显示进度。")

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        started = time.perf_counter()
        show = not options["quiet"] and sys.stderr.isatty()

        def progress(done: int) -> None:
            if show and total:
                sys.stderr.write(f"\r校验中 {done}/{total}（{done * 100 // total}%）")
                sys.stderr.flush()

        report = verify_chain(progress=progress)
        if show:
            sys.stderr.write("\n")
        elapsed = time.perf_counter() - started
        if report.problem is not None:
            p = report.problem
            self.stderr.write(
                f"审计日志校验失败：第一条有问题的记录 seq={p.seq}（id={p.pk}）：{p.reason}。"
                f"此前 {report.checked} 条记录完好。"
            )
            sys.exit(1)
        self.stdout.write(f"审计日志完好：{report.checked} 条记录，用时 {elapsed:.2f} 秒。")
