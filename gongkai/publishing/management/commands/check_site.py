"""gongkai check_site [--repair]: the published files against the manifest and the database;
``--repair`` writes again what is found (the daily upkeep runs it)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongkai.core.actors import SYSTEM
from gongkai.publishing.check import Checked, check_site, repair_site


class Command(BaseCommand):
    help = _(
        "核对公开网站文件与发布清单、数据库是否一致（缺失、多余、被改动、未发布、过期），"
        "不一致时以非零状态退出；--repair 按正常发布流程补写。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair",
            action="store_true",
            help=_(
                "补写缺失、被改动、未发布和过期的页面（被改动和多余的文件移至隔离目录），"
                "然后再核对一遍。"
            ),
        )

    def _progress(self, phase: str, done: int, total: int) -> None:
        if not sys.stderr.isatty() or not total:
            return
        percent = done * 100 // total
        bar = "#" * (percent // 4)
        self.stderr.write(f"\r{phase} [{bar:<25}] {done}/{total}", ending="")
        if done >= total:
            self.stderr.write("")
        self.stderr.flush()

    def _list(self, result: Checked) -> None:
        for label, paths in self._labelled(result):
            for path in paths:
                self.stdout.write(_("%(label)s：%(path)s") % {"label": label, "path": path})

    @staticmethod
    def _labelled(result: Checked) -> list[tuple[str, list[str]]]:
        return [
            (_("缺失"), result.missing),
            (_("多余"), result.extra),
            (_("被改动"), result.altered),
            (_("未发布"), result.unpublished),
            (_("过期"), result.stale),
        ]

    @staticmethod
    def _summary(result: Checked) -> str:
        return (
            _(
                "缺失 %(missing)d，多余 %(extra)d，被改动 %(altered)d，"
                "未发布 %(unpublished)d，过期 %(stale)d"
            )
            % result.counts()
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["repair"]:
            result = check_site(progress=self._progress)
            self._list(result)
            if not result.ok:
                raise CommandError(
                    _("网站与发布清单不一致：%(summary)s。") % {"summary": self._summary(result)}
                )
            self.stdout.write(_("网站文件与发布清单、数据库一致。"))
            return
        repaired = repair_site(actor=SYSTEM, progress=self._progress)
        found, left = repaired.found, repaired.left
        if found.ok:
            self.stdout.write(_("网站文件与发布清单、数据库一致，无需修复。"))
            return
        self._list(found)
        self.stdout.write(
            _("已修复（%(summary)s）：重新发布 %(items)d 条信息，重新生成 %(pages)d 个页面。")
            % {"summary": self._summary(found), "items": repaired.items, "pages": repaired.pages}
        )
        if repaired.quarantine is not None:
            self.stdout.write(
                _("被改动和多余的文件已移至 %(path)s，请保留以便调查。")
                % {"path": repaired.quarantine}
            )
        if not left.ok:
            self._list(left)
            raise CommandError(
                _("修复后仍不一致：%(summary)s。") % {"summary": self._summary(left)}
            )
        if found.tampered:
            raise CommandError(
                _(
                    "已修复，但网站文件曾在发布流程之外被改动、删除或添加"
                    "（缺失 %(missing)d，多余 %(extra)d，被改动 %(altered)d）：请调查。"
                )
                % found.counts()
            )
