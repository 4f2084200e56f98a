"""gongkai worker: run background tasks with the configured backend (database or Redis/RQ);
with the database backend, tasks left RUNNING by a killed worker are run again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "运行后台任务处理进程（GONGKAI_TASK_BACKEND=db 或 rq）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完当前积压的任务后退出。")
        parser.add_argument(
            "--name",
            default=None,
            help="进程在 Redis 中的名称，如 主机名-序号（仅 rq 后端；默认随机）。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = settings.GONGKAI_TASK_BACKEND
        if backend == "db":
            from gongkai.core.worker import run_db_worker

            run_db_worker(batch=options["batch"])
        elif backend == "rq":
            extra = ["--burst"] if options["batch"] else []
            if options["name"]:
                extra += ["--name", options["name"]]
            call_command("rqworker", "default", *extra)
        else:
            raise CommandError(
                "GONGKAI_TASK_BACKEND=immediate 时任务在请求中直接执行，无需 worker。"
            )
