"""gongkai check_site: the published files against the manifest and the database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.publishing.services import check_site


class Command(BaseCommand):
    help = (
        "核对公开网站文件与发布清单、数据库是否一致（缺失、多余、被改动），不一致时以非零状态退出。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = check_site()
        for label, paths in (
            ("缺失", result.missing),
            ("多余", result.extra),
            ("被改动", result.altered),
            ("未发布", result.unpublished),
        ):
            for path in paths:
                self.stdout.write(f"{label}：{path}")
        if not result.ok:
            raise CommandError(
                f"网站与发布清单不一致：缺失 {len(result.missing)}，多余 {len(result.extra)}，"
                f"被改动 {len(result.altered)}，未发布 {len(result.unpublished)}。"
            )
        self.stdout.write("网站文件与发布清单一致。")
