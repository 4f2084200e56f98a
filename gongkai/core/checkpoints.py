"""Signed checkpoints of the audit chain's head, kept outside the database (审计检查点).

A hash chain proves that nothing in the middle changed, not that nothing was cut off its end:
delete the newest rows and what is left is a whole, shorter chain. A checkpoint records the
head — sequence, hash, time, the sequence from which every record is keyed (``keyed_from``),
the key's public id — signed with a sub-key of the audit key, as one JSON line appended to
``GONGKAI_AUDIT_CHECKPOINT_FILE``. ``verify_chain`` then finds a newest record below a
checkpoint's sequence, a record at its sequence with another hash, and a keyed record rehashed
as plain SHA-256 past ``keyed_from``. Whoever lacks the key can neither forge a line nor move
one to another record.

Written daily (``deploy/gongkai-daily.service``), on demand (``gongkai audit_checkpoint``, which
also prints a short line to keep on paper), and once after the ``migrate`` that introduces the
key, so that the boundary between plain and keyed records is anchored from the first day.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hmac
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.core.audit import (
    GENESIS_HASH,
    ChainProblem,
    canonical_json,
    checkpoint_key,
    key_id,
    record_event,
    verify_chain,
)
from gongkai.core.errors import DomainError
from gongkai.core.models import AuditEvent, AuditScheme

logger = logging.getLogger(__name__)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class ChainBroken(DomainError):
    code = "audit_chain_broken"
    default_message = gettext_lazy("审计日志校验未通过，不能为它签署检查点。")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # UTC, ISO 8601
    keyed_from: int
    kid: str
    sig: str = ""

    def payload(self) -> str:
        """The signed text: every field but the signature, as canonical JSON."""
        fields = asdict(self)
        del fields["sig"]
        return canonical_json(fields)

    def local_time(self) -> str:
        moment = dt.datetime.fromisoformat(self.at.replace("Z", "+00:00"))
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _sign(payload: str) -> str:
    return hmac.digest(checkpoint_key(), payload.encode("utf-8"), "sha256").hex()


def checkpoint_file() -> Path:
    return Path(settings.GONGKAI_AUDIT_CHECKPOINT_FILE)


@dataclass
class ReadCheckpoints:
    lines: int = 0
    valid: list[Checkpoint] = field(default_factory=list)
    problems: list[ChainProblem] = field(default_factory=list)


def _problem(code: str, reason: str) -> ChainProblem:
    return ChainProblem(None, None, code, reason)


def read_checkpoints(path: Path | None = None) -> ReadCheckpoints:
    """Read the checkpoint file: every line whose signature verifies under the current audit
    key, and a problem for each line that does not (changed, another key, not a checkpoint).
    No file yet is no problem: the chain is then only checked within itself."""
    path = checkpoint_file() if path is None else path
    found = ReadCheckpoints()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return found
    except OSError as error:
        found.problems.append(
            _problem(
                "checkpoints_unreadable",
                _("无法读取检查点文件 %(path)s：%(error)s") % {"path": path, "error": error},
            )
        )
        return found
    current = key_id()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found.lines += 1
        try:
            data: dict[str, Any] = json.loads(line)
            cp = Checkpoint(
                seq=int(data["seq"]),
                hash=str(data["hash"]),
                at=str(data["at"]),
                keyed_from=int(data["keyed_from"]),
                kid=str(data["kid"]),
                sig=str(data["sig"]),
            )
            dt.datetime.fromisoformat(cp.at.replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            found.problems.append(
                _problem(
                    "checkpoint_unreadable",
                    _("检查点文件第 %(n)d 行无法解析：不是本系统写入的检查点") % {"n": number},
                )
            )
            continue
        if cp.kid != current:
            found.problems.append(
                _problem(
                    "checkpoint_other_key",
                    _(
                        "检查点文件第 %(n)d 行的签名来自另一把审计密钥（标识 %(kid)s，"
                        "当前为 %(current)s）：GONGKAI_AUDIT_KEY 或 audit_key 文件是否被更换？"
                    )
                    % {"n": number, "kid": cp.kid[:12], "current": current},
                )
            )
            continue
        if not hmac.compare_digest(_sign(cp.payload()), cp.sig) or not _HEX64.match(cp.hash):
            found.problems.append(
                _problem(
                    "checkpoint_signature",
                    _("检查点文件第 %(n)d 行的签名不符：该行被改动，或不是用本系统的审计密钥签署的")
                    % {"n": number},
                )
            )
            continue
        found.valid.append(cp)
    return found


def _append(path: Path, cp: Checkpoint) -> None:
    """Append one line (file created 0600), under an exclusive lock, flushed to disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({**asdict(cp)}, sort_keys=True, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _keyed_from(valid: list[Checkpoint], head_seq: int) -> int:
    """Where keyed records begin: as the checkpoints already say, else the first keyed record,
    else the next record to be written."""
    if valid:
        return min(cp.keyed_from for cp in valid)
    first = (
        AuditEvent.objects.filter(scheme=AuditScheme.HMAC_SHA256)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    return int(first) if first is not None else head_seq + 1


def _signed(seq: int, head_hash: str, keyed_from: int) -> Checkpoint:
    at = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    cp = Checkpoint(seq=seq, hash=head_hash, at=at, keyed_from=keyed_from, kid=key_id())
    return Checkpoint(**{**asdict(cp), "sig": _sign(cp.payload())})


def write_checkpoint(*, actor: Any, progress: Callable[[int], None] | None = None) -> Checkpoint:
    """Verify the chain, then sign its head and append the checkpoint to the file; the audit
    record of it (``core.audit.checkpointed``) follows the head it anchors. A chain that does
    not verify is never signed (``ChainBroken``): the checkpoint would vouch for the damage."""
    report = verify_chain(progress=progress)
    if report.problem is not None:
        raise ChainBroken(
            _("审计日志校验未通过，不能为它签署检查点：%(reason)s。")
            % {"reason": report.problem.reason},
            details={"seq": report.problem.seq, "problem": report.problem.code},
        )
    seq, head_hash = report.head or (0, GENESIS_HASH)
    path = checkpoint_file()
    cp = _signed(seq, head_hash, _keyed_from(read_checkpoints(path).valid, seq))
    _append(path, cp)
    with transaction.atomic():
        record_event(
            "core.audit.checkpointed",
            actor=actor,
            changes={"seq": cp.seq, "hash": cp.hash, "keyed_from": cp.keyed_from},
        )
    return cp


def paper_line(cp: Checkpoint) -> str:
    """One short line to write down or print and file: time, sequence, the hash's first 20
    hex digits in groups of four (80 bits: enough to tell any rewrite, short to copy)."""
    grouped = " ".join(cp.hash[i : i + 4] for i in range(0, 20, 4))
    return _("审计检查点 %(at)s 序号 %(seq)d 哈希 %(hash)s") % {
        "at": cp.local_time(),
        "seq": cp.seq,
        "hash": grouped,
    }


def anchor_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate handler: when the checkpoint file has no checkpoint yet (a new installation,
    or the upgrade that brings the key), sign the current head and ``keyed_from``, so that from
    now on a keyed record rehashed as plain SHA-256 is found. No audit record: it runs inside
    ``migrate`` (and after every test flush), where the file line is the only trace wanted.
    Never fails the migration: a chain that does not verify, or a file that cannot be written,
    is logged and left to ``verify_audit``."""
    if kwargs.get("using", "default") != "default" or sender.name != "gongkai.core":
        return
    state = kwargs.get("apps")
    if state is not None:  # migrated back to before the key: nothing to anchor
        try:
            state.get_model("core", "AuditEvent")._meta.get_field("scheme")
        except (LookupError, FieldDoesNotExist):
            return
    path = checkpoint_file()
    try:
        if read_checkpoints(path).lines:
            return
        report = verify_chain()
        if not report.ok:
            logger.warning("audit chain does not verify; no boundary checkpoint written")
            return
        seq, head_hash = report.head or (0, GENESIS_HASH)
        _append(path, _signed(seq, head_hash, _keyed_from([], seq)))
    except OSError:
        logger.exception("could not write the audit boundary checkpoint to %s", path)
