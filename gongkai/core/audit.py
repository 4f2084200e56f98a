"""Write and verify the hash-chained audit log (审计日志).

Each record's hash is SHA-256 over its own fields and the previous record's hash, so changing,
inserting or removing any row breaks the chain from that row on. Appends are serialised: on
PostgreSQL by a transaction-level advisory lock, on SQLite by IMMEDIATE transactions.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from gongkai.core.actors import SystemActor
from gongkai.core.context import current_request_info
from gongkai.core.models import AuditEvent

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_PG_LOCK_KEY = 0x6A6F6E676B6169
_SEP = "\x1f"


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def canonical_json(data: Mapping[str, Any] | None) -> str:
    """Serialise ``data`` with sorted keys and no spaces: the text that is hashed and stored."""
    return json.dumps(
        data or {}, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default
    )


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _digest(parts: tuple[Any, ...]) -> str:
    """Hash the record fields in chain order: seq, time, organ, actor … user agent, prev hash."""
    (seq, created_at, organ_id, actor_id, actor_label, action, object_type, object_id,
     object_repr, changes, ip, user_agent, prev_hash) = parts  # fmt: skip
    text = _SEP.join(
        (
            str(seq),
            _ts(created_at),
            "" if organ_id is None else str(organ_id),
            "" if actor_id is None else str(actor_id),
            actor_label,
            action,
            object_type,
            object_id,
            object_repr,
            changes,
            ip or "",
            user_agent,
            prev_hash,
        )
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_HASHED_FIELDS = (
    "seq",
    "created_at",
    "organ_id",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "ip",
    "user_agent",
    "prev_hash",
)


def compute_hash(**fields: Any) -> str:
    """Return the SHA-256 hex digest that seals one audit record onto its ``prev_hash``."""
    return _digest(tuple(fields[name] for name in _HASHED_FIELDS))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


# Control characters never reach a hashed field: the field separator (\x1f) stays unambiguous
# and PostgreSQL never sees a NUL. (``changes`` is JSON, which escapes them.)
_CONTROL = dict.fromkeys([*range(0x20), 0x7F])


def clean_text(value: str) -> str:
    """Return ``value`` without control characters."""
    return value.translate(_CONTROL)


def canonical_ip(value: str | None) -> str:
    """Return an IP address in Python's canonical text (zone id dropped), or ``""``."""
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value.split("%", 1)[0].strip()))
    except ValueError:
        return ""


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or isinstance(actor, SystemActor):
        return None, "system"
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    return int(actor.pk), str(actor.get_username())


def record_event(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    organ_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    object_repr: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> AuditEvent:
    """Append one audit record for ``action`` (``<app>.<noun>.<past_verb>``) by ``actor``.

    Call it inside the service's transaction so the record commits or rolls back with the
    change it describes. ``actor`` is a user, ``SYSTEM`` (a command or job) or an anonymous
    visitor (a failed login).
    """
    if action.count(".") != 2 or clean_text(action) != action:
        raise ValueError(f"audit action must be <app>.<noun>.<past_verb>, got {action!r}")
    info = current_request_info()
    actor_id, actor_label = _actor_fields(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr if object_repr is not None else str(obj)[:200]
        if organ_id is None:
            organ_id = getattr(obj, "organ_id", None)
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        created_at = timezone.now()
        fields: dict[str, Any] = {
            "seq": seq,
            "created_at": created_at,
            "organ_id": organ_id,
            "actor_id": actor_id,
            "actor_label": clean_text(actor_label)[:150],
            "action": action,
            "object_type": clean_text(object_type or ""),
            "object_id": clean_text(object_id or ""),
            "object_repr": clean_text(object_repr or "")[:200],
            "changes": canonical_json(changes),
            "ip": canonical_ip(info.ip),
            "user_agent": clean_text(info.user_agent)[:400],
            "prev_hash": prev_hash,
        }
        event = AuditEvent(**fields, hash=compute_hash(**fields))
        event.save(force_insert=True)
    return event


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for the fields whose value changed."""
    return {
        key: [before.get(key), after.get(key)] for key in after if before.get(key) != after.get(key)
    }


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    pk: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


# The chain's fields rendered as text by the database itself, in hash order, so that verifying a
# million records needs no per-row Python conversion: only a join and a SHA-256.
_TEXT_COLUMNS = {
    "postgresql": (
        "seq::text",
        """to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')""",
        "COALESCE(organ_id::text, '')",
        "COALESCE(actor_id::text, '')",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "ip",
        "user_agent",
        "prev_hash",
    ),
    "sqlite": (
        "CAST(seq AS TEXT)",
        # Django stores UTC as 'YYYY-MM-DD HH:MM:SS[.ffffff]'; the fraction is left out when zero.
        "replace(created_at, ' ', 'T') || CASE WHEN instr(created_at, '.') = 0"
        " THEN '.000000Z' ELSE 'Z' END",
        "COALESCE(CAST(organ_id AS TEXT), '')",
        "COALESCE(CAST(actor_id AS TEXT), '')",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "ip",
        "user_agent",
        "prev_hash",
    ),
}


def verify_chain(*, chunk_size: int = 20_000, progress: Any = None) -> ChainReport:
    """Walk the whole chain in order and return the first record that does not fit, if any.

    ``progress``, when given, is called with the number of records checked so far.
    """
    columns = ", ".join(_TEXT_COLUMNS[connection.vendor])
    table = AuditEvent._meta.db_table
    sql = f"SELECT id, hash, seq, {columns} FROM {table} ORDER BY {table}.seq"  # noqa: S608
    sha256 = hashlib.sha256
    join = _SEP.join
    expected_prev = GENESIS_HASH
    checked = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_size):
            for row in rows:
                stored = row[1]
                problem = None
                if row[2] != checked + 1:
                    problem = (
                        "missing records before this one"
                        if row[2] > checked + 1
                        else "sequence repeats"
                    )
                elif row[15] != expected_prev:
                    problem = "previous hash does not match the record before it"
                elif sha256(join(row[3:]).encode()).hexdigest() != stored:
                    problem = "content does not match its hash"
                if problem is not None:
                    return ChainReport(checked, ChainProblem(row[2], row[0], problem))
                expected_prev = stored
                checked += 1
            if progress is not None:
                progress(checked)
    if progress is not None:
        progress(checked)
    return ChainReport(checked, None)
