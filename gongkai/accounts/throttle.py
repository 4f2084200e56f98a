"""Counting failed attempts per key, with a block once a limit is reached.

A key names what is counted: ``ip:<address>`` (every failed login from one client address),
``name:<username>`` (a username that has no account: it locks exactly as an account would, so
the answers do not tell which names exist), ``foi-number:<number>`` and ``foi-ip:<address>``
(the applicant's status lookup). Each count is kept in a row locked for its update, so parallel
attempts are counted one after another; callers commit the count before they refuse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gongkai.accounts.models import Throttle


@dataclass(frozen=True)
class Rule:
    """``limit`` failures within ``window`` (None: in a row, until cleared) block for ``block``."""

    limit: int
    window: dt.timedelta | None
    block: dt.timedelta


def blocked_until(key: str, *, now: dt.datetime) -> dt.datetime | None:
    """Return until when ``key`` is blocked, or None."""
    until = Throttle.objects.filter(key=key).values_list("blocked_until", flat=True).first()
    return until if until is not None and until > now else None


def fail(key: str, rule: Rule, *, now: dt.datetime) -> dt.datetime | None:
    """Count one failure under ``key``; return the end of the block when this one reaches the
    limit (the count then starts again), else None."""
    row, _created = Throttle.objects.select_for_update().get_or_create(
        key=key[:200], defaults={"window_started_at": now}
    )
    if rule.window is not None and now - row.window_started_at > rule.window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    reached = row.failures >= rule.limit
    if reached:
        row.blocked_until, row.failures, row.window_started_at = now + rule.block, 0, now
    row.save(update_fields=["failures", "window_started_at", "blocked_until"])
    return row.blocked_until if reached else None


def clear(key: str) -> None:
    """Forget the failures counted under ``key`` (after a success)."""
    Throttle.objects.filter(key=key).delete()
