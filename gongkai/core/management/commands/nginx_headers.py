"""gongkai nginx_headers: write the security headers for nginx (deploy/security-headers.conf)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.core.headers import nginx_header_lines


class Command(BaseCommand):
    help = "按当前设置生成 nginx 的安全响应头（默认写入 deploy/security-headers.conf）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", default=str(settings.BASE_DIR / "deploy/security-headers.conf")
        )
        parser.add_argument("--check", action="store_true", help="只检查文件是否与设置一致。")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        text = nginx_header_lines()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} 与当前设置不一致，请运行 gongkai nginx_headers。")
            self.stdout.write(f"{path} 与当前设置一致")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"已写入 {path}")
