"""gongkai audit_checkpoint: verify the audit chain, sign its head and append the checkpoint to
the checkpoint file (daily, and on demand); ``--print`` writes one short line for paper."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from gongkai.core.actors import SYSTEM
from gongkai.core.checkpoints import ChainBroken, checkpoint_file, paper_line, write_checkpoint
from gongkai.core.models import AuditEvent


class Command(BaseCommand):
    help = _("校验审计日志并为链头签署检查点，追加到检查点文件（每日一次，也可随时运行）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print",
            action="store_true",
            help=_("只输出一行简短记录（时间、序号、哈希前 20 位），供打印或抄录存档。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        show = sys.stderr.isatty() and total > 0

        def progress(done: int) -> None:
            if show:
                sys.stderr.write(
                    "\r"
                    + _("校验中 %(done)d/%(total)d（%(pct)d%%）")
                    % {"done": done, "total": total, "pct": min(done * 100 // total, 100)}
                )
                sys.stderr.flush()

        try:
            cp = write_checkpoint(actor=SYSTEM, progress=progress)
        except ChainBroken as error:
            if show:
                sys.stderr.write("\n")
            self.stderr.write(error.message)
            sys.exit(1)
        if show:
            sys.stderr.write("\n")
        if options["print"]:
            self.stdout.write(paper_line(cp))
            return
        self.stdout.write(
            _("已签署检查点：序号 %(seq)d，写入 %(path)s。")
            % {"seq": cp.seq, "path": checkpoint_file()}
        )
        self.stdout.write(paper_line(cp))
