"""gongkai load_demo: the demo organ of the reference plan, with one login per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.accounts.models import Organ
from gongkai.core.demo import DemoContext, demo_logins, run_demo_loaders


class Command(BaseCommand):
    help = "载入示例机关（中山市司法局）及各角色演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="数据库中已有机关时仍然载入（已存在的示例数据不会重复创建）。",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有机关时跳过载入并正常退出（供 make demo 使用）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Organ.objects.exists() and not options["force"]:
            if not options["if_empty"]:
                raise CommandError("数据库中已有机关；如仍要载入示例数据，请加 --force。")
            self.stdout.write("数据库中已有机关，跳过示例数据载入。")
        else:
            run_demo_loaders(DemoContext(stdout=self.stdout))
        self.stdout.write("演示账号（角色 / 用户名 / 密码；密码如已修改，以修改后的为准）：")
        for role, username, password in demo_logins():
            self.stdout.write(f"  {role:<12} {username:<12} {password}")
