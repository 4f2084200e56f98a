"""Local date and time: the organ's calendar day, never the server's or UTC's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today_local() -> dt.date:
    """Return today's date in the configured time zone (Asia/Shanghai by default)."""
    return timezone.localdate()


def now_local() -> dt.datetime:
    """Return the current aware datetime in the configured time zone."""
    return timezone.localtime()
