"""gongkai create_token USERNAME: create a personal API token and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongkai.accounts.models import User
from gongkai.accounts.services import create_api_token
from gongkai.core.actors import SYSTEM


class Command(BaseCommand):
    help = "为用户创建个人 API 令牌并打印（只显示这一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行创建", help="令牌用途。")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在或已停用。")
        _token, raw = create_api_token(user, actor=SYSTEM, name=options["name"])
        self.stdout.write(raw)
