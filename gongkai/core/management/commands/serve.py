"""gongkai serve: the embedded mode's web server (gunicorn) and task worker, together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动网站服务（gunicorn）和后台任务进程；Ctrl+C 同时停止二者。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=settings.GONGKAI_BIND,
            help="监听地址，默认取 GONGKAI_BIND（127.0.0.1:8000）。",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 进程数。")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程。")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", "--noinput", verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"] and settings.GONGKAI_TASK_BACKEND != "immediate":
            children.append(subprocess.Popen([os.path.join(bin_dir, "gongkai"), "worker"]))  # noqa: S603
        children.append(
            subprocess.Popen(  # noqa: S603
                [
                    os.path.join(bin_dir, "gunicorn"),
                    "config.wsgi:application",
                    "--bind",
                    options["bind"],
                    "--workers",
                    str(options["workers"]),
                    "--access-logfile",
                    "-",
                ]
            )
        )
        self.stdout.write(
            f"工作台：http://{options['bind']}/staff/   门户：http://{options['bind']}/"
            "   （按 Ctrl+C 停止）"
        )

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                child.wait(timeout=15)
