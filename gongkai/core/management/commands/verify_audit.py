"""gongkai verify_audit: walk the audit chain and compare it with the signed checkpoints; exit 1
naming every fault found (the first bad record, deleted newest records, altered checkpoints)."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from gongkai.core.audit import verify_chain
from gongkai.core.models import AuditEvent


def grouped(digest: str, digits: int = 20) -> str:
    """A hash's first ``digits`` hex digits in groups of four, as written on paper."""
    return " ".join(digest[i : i + 4] for i in range(0, digits, 4))


class Command(BaseCommand):
    help = _("校验审计日志哈希链并与已签名的检查点核对；发现问题时以非零状态退出并逐条指出。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help=_("不显示进度。"))
        parser.add_argument(
            "--seq",
            type=int,
            help=_("另外显示该序号记录的哈希前 20 位（与纸质记录核对）。"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = AuditEvent.objects.count()
        started = time.perf_counter()
        show = not options["quiet"] and sys.stderr.isatty()

        def progress(done: int) -> None:
            if show and total:
                sys.stderr.write(
                    "\r"
                    + _("校验中 %(done)d/%(total)d（%(pct)d%%）")
                    % {"done": done, "total": total, "pct": done * 100 // total}
                )
                sys.stderr.flush()

        report = verify_chain(progress=progress)
        if show:
            sys.stderr.write("\n")
        elapsed = time.perf_counter() - started
        if options["seq"] is not None:
            found = AuditEvent.objects.filter(seq=options["seq"]).values_list("hash", flat=True)
            digest = found.first()
            self.stdout.write(
                _("序号 %(seq)d 哈希 %(hash)s") % {"seq": options["seq"], "hash": grouped(digest)}
                if digest
                else _("序号 %(seq)d 的记录不存在。") % {"seq": options["seq"]}
            )
        if not report.ok:
            for p in report.problems:
                if p.seq is not None and p.pk is not None:
                    self.stderr.write(
                        _("审计日志校验失败：记录 seq=%(seq)d（id=%(pk)d）：%(reason)s。")
                        % {"seq": p.seq, "pk": p.pk, "reason": p.reason}
                    )
                else:
                    self.stderr.write(_("审计日志校验失败：%(reason)s。") % {"reason": p.reason})
            self.stderr.write(
                _("此前 %(n)d 条记录完好。") % {"n": report.checked}
                if report.checked < total
                else _("共 %(n)d 条记录。") % {"n": report.checked}
            )
            sys.exit(1)
        self.stdout.write(
            _("审计日志完好：%(n)d 条记录，与 %(k)d 个检查点相符，用时 %(s).2f 秒。")
            % {"n": report.checked, "k": report.checkpoints, "s": elapsed}
        )
        if report.head is not None:
            seq, digest = report.head
            self.stdout.write(
                _("链头：序号 %(seq)d 哈希 %(hash)s") % {"seq": seq, "hash": grouped(digest)}
            )
        for note in report.notes:
            self.stdout.write(note)
