"""Per-request facts (client IP, user agent) that services attach to audit records."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""


_NO_REQUEST = RequestInfo()
_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "gongkai_request_info", default=None
)


def current_request_info() -> RequestInfo:
    """Return the IP and user agent of the request being served, if any."""
    return _current.get() or _NO_REQUEST


@contextmanager
def request_info(info: RequestInfo) -> Iterator[None]:
    """Make ``info`` the current request's facts for the duration of the block."""
    token = _current.set(info)
    try:
        yield
    finally:
        _current.reset(token)
