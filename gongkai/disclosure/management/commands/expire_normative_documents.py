"""gongkai expire_normative_documents: daily — documents past their 失效日期 become 已失效."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongkai.core.actors import SYSTEM
from gongkai.core.time import today_local
from gongkai.disclosure.ledger import expire_documents


class Command(BaseCommand):
    help = (
        "将已到失效日期的规范性文件标记为“已失效”，并更新其公开页面的有效性；"
        "建议每日运行一次，重复运行不会重复处理。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help=_("按该日期运行（YYYY-MM-DD，默认今天）"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else today_local()
        except ValueError:
            raise CommandError(_("日期格式应为 YYYY-MM-DD。")) from None
        marked = expire_documents(today=today, actor=SYSTEM)
        self.stdout.write(_("已标记失效的规范性文件 %(n)d 件。") % {"n": marked})
