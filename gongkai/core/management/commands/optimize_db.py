"""gongkai optimize_db: refresh the database's query-planner statistics (run daily)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from gongkai.core.maintenance import analyze_database


class Command(BaseCommand):
    help = "更新数据库查询优化统计信息（ANALYZE），建议每日运行一次。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        analyze_database()
        self.stdout.write(f"已更新统计信息，用时 {time.perf_counter() - started:.1f} 秒。")
