"""gongkai workdays: import a holiday notice, add working days, count working days.

gongkai workdays import_notice FILE [--dry-run] [--json] [--year YEAR]
gongkai workdays add DATE N [--json]
gongkai workdays between A B
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.actors import SYSTEM
from gongkai.core.errors import DomainError
from gongkai.lib.documents import UnreadableDocument, document_text
from gongkai.workdays.notice import NoticeError, parse_notice
from gongkai.workdays.selectors import get_calendar


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "工作日历：导入节假日安排通知、推算工作日期限、计算两日期间的工作日数。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import_notice", help="导入《国务院办公厅关于X年部分节假日安排的通知》"
        )
        imp.add_argument("file", help="通知文件（.txt 或 .docx），- 表示标准输入")
        imp.add_argument("--dry-run", action="store_true", help="只解析校验，不保存")
        imp.add_argument("--json", action="store_true", help="以 JSON 输出解析结果")
        imp.add_argument("--year", type=int, help="通知年份（标题中没有年份时）")
        add = sub.add_parser("add", help="DATE 之后第 N 个工作日（当日不计入）")
        add.add_argument("date")
        add.add_argument("n", type=int)
        add.add_argument("--json", action="store_true")
        between = sub.add_parser("between", help="(A, B] 之间的工作日数")
        between.add_argument("a")
        between.add_argument("b")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _import_notice(self, options: dict[str, Any]) -> None:
        from gongkai.workdays.services import import_notice

        source = options["file"]
        import sys

        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        try:
            text = document_text(data)
            notice = parse_notice(text, year=options["year"])
        except (UnreadableDocument, NoticeError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(notice.as_json(), ensure_ascii=False))
        else:
            self.stdout.write(f"{notice.year} 年：")
            for item in notice.items:
                makeup = "、".join(f"{d:%m-%d}" for d in item.makeup_days) or "无"
                self.stdout.write(
                    f"  {item.name}：{item.holidays[0]} 至 {item.holidays[-1]}，"
                    f"共 {len(item.holidays)} 天；调休上班：{makeup}"
                )
        if options["dry_run"]:
            if not options["json"]:
                self.stdout.write("（试运行，未保存）")
            return
        import_notice(notice, actor=SYSTEM, text=text)
        if not options["json"]:
            self.stdout.write(f"已导入 {notice.year} 年节假日安排，并已安排重新计算未结期限。")

    def _add(self, options: dict[str, Any]) -> None:
        result = get_calendar().add_working_days(_date(options["date"]), options["n"])
        if options["json"]:
            self.stdout.write(
                json.dumps({"date": result.date.isoformat(), "provisional": result.provisional})
            )
        else:
            note = "（暂定：该年度节假日安排通知尚未发布）" if result.provisional else ""
            self.stdout.write(f"{result.date.isoformat()}{note}")

    def _between(self, options: dict[str, Any]) -> None:
        count = get_calendar().working_days_between(_date(options["a"]), _date(options["b"]))
        self.stdout.write(str(count))
