"""gongkai import_plan FILE: read a division plan, preview it, save it.

gongkai import_plan 方案.docx --dry-run --format json
gongkai import_plan 方案.txt --user coordinator [--organ 中山市司法局] [--map 名称=单位 …]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.accounts.models import Organ, User
from gongkai.accounts.selectors import list_organs_visible_to, resolve_unit_name
from gongkai.core.errors import DomainError
from gongkai.lib.documents import UnreadableDocument, document_text
from gongkai.workplan.importing import NEW_UNIT, import_plan
from gongkai.workplan.parsing.plan import parse_plan
from gongkai.workplan.parsing.sources import read_blocks


class Command(BaseCommand):
    help = "导入工作要点分工方案（.txt/.md/.docx/.xlsx）；--dry-run 只预览。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="方案文件，- 表示标准输入")
        parser.add_argument("--dry-run", action="store_true", help="只解析预览，不保存")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--user", help="以该用户身份保存（需为机关的公开办角色）")
        parser.add_argument("--organ", help="机关名称或编号（用户只有一个机关时可省略）")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="名称=单位",
            help="把方案中的名称对应到已有单位或单位组（记为别名）；=new 表示新建",
        )
        parser.add_argument(
            "--create-missing", action="store_true", help="未能对应的名称直接新建为单位"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        source = options["file"]
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        try:
            parsed = parse_plan(read_blocks(data))
        except UnreadableDocument as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(parsed.as_json(), ensure_ascii=False, indent=2))
        else:
            self._print_preview(parsed)
        if options["dry_run"]:
            return
        if not options["user"]:
            raise CommandError("保存时须用 --user 指定操作人。")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {options['user']} 不存在或已停用。")
        organ = self._organ(user, options["organ"])
        mapping: dict[str, Any] = {}
        for item in options["map"]:
            name, _sep, target = item.partition("=")
            if target == NEW_UNIT:
                mapping[name] = NEW_UNIT
                continue
            found = resolve_unit_name(organ, target)
            if found is None:
                raise CommandError(f"--map {item}：本机关没有名为“{target}”的单位或单位组。")
            mapping[name] = found
        try:
            text = document_text(data)
        except UnreadableDocument:
            text = ""
        try:
            plan = import_plan(
                organ,
                parsed,
                actor=user,
                source_name=Path(source).name,
                source_text=text,
                mapping=mapping,
                create_missing=options["create_missing"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        elapsed = time.perf_counter() - started
        self.stderr.write(
            f"已保存方案“{plan.title}”（编号 {plan.pk}）：{plan.categories.count()} 个类别，"
            f"{plan.tasks.count()} 项任务，用时 {elapsed:.2f} 秒。"
        )

    def _organ(self, user: User, wanted: str | None) -> Organ:
        organs = list_organs_visible_to(user)
        if wanted:
            organ = (
                organs.filter(pk=int(wanted)).first()
                if wanted.isdigit()
                else organs.filter(name=wanted).first()
            )
            if organ is None:
                raise CommandError(f"用户 {user.username} 无权访问机关“{wanted}”。")
            return organ
        if organs.count() != 1:
            raise CommandError("用户可访问多个机关，请用 --organ 指定。")
        organ = organs.first()
        assert organ is not None  # noqa: S101
        return organ

    def _print_preview(self, parsed: Any) -> None:
        self.stdout.write(
            f"发文机关：{parsed.issuer}　文号：{parsed.doc_number}　成文日期："
            f"{parsed.issued_on or '（未识别）'}"
        )
        self.stdout.write(f"通知标题：{parsed.title}")
        self.stdout.write(f"方案：{parsed.plan_title}（{parsed.year} 年）")
        titles = {c.seq: c.title for c in parsed.categories}
        current = None
        for task in parsed.tasks:
            if task.category_seq != current:
                current = task.category_seq
                self.stdout.write(f"\n{current}、{titles.get(current, '')}")
            co = f"；配合：{'、'.join(task.co_units)}" if task.co_units else ""
            due = f"；时限：{task.deadline_text}" if task.deadline_text else ""
            self.stdout.write(
                f"  {task.seq:>3}. {task.requirement[:40]}…　"
                f"牵头：{'、'.join(task.lead_units)}{co}{due}"
            )
        self.stdout.write(f"\n共 {len(parsed.categories)} 个类别，{len(parsed.tasks)} 项任务。")
        for warning in parsed.warnings:
            self.stdout.write(f"提示：{warning}")
