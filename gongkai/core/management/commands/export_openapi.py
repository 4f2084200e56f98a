"""gongkai export_openapi: write the API's OpenAPI document (committed as docs/api/openapi.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


def openapi_text() -> str:
    """Return the OpenAPI document as stable, pretty-printed JSON."""
    from gongkai.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "导出 OpenAPI 文档（默认写入 docs/api/openapi.json）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default=str(settings.BASE_DIR / "docs/api/openapi.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"已写入 {path}")
