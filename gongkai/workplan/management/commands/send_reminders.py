"""gongkai send_reminders: daily 督办 — remind units before a cycle closes, escalate after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.actors import SYSTEM
from gongkai.core.time import today_local
from gongkai.workplan.services import send_reminders


class Command(BaseCommand):
    help = "发送进展报送提醒（截止前若干个工作日）和逾期未报送的督办提醒；建议每日运行一次。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按该日期运行（YYYY-MM-DD，默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else today_local()
        except ValueError:
            raise CommandError("日期格式应为 YYYY-MM-DD。") from None
        counts = send_reminders(today=today, actor=SYSTEM)
        self.stdout.write(f"提醒 {counts['reminders']} 条，督办 {counts['escalations']} 条。")
