"""The ``Publishable`` interface between content modules and the public site.

A content module (disclosure, …) tells the site that something was published, revised or
withdrawn by calling ``announce``; listeners (the static publisher, the search index) register
with ``listen``. Announcements run after the transaction commits, so a rolled-back change is
never published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol

from django.db import transaction

Event = Literal["published", "revised", "withdrawn"]


class Publishable(Protocol):
    def public_url(self) -> str: ...

    def render_context(self) -> dict[str, Any]: ...

    def search_document(self) -> dict[str, Any]: ...


_listeners: list[Callable[[Event, Publishable], None]] = []


def listen(listener: Callable[[Event, Publishable], None]) -> Callable[[Event, Publishable], None]:
    """Register ``listener(event, obj)``; returns it, so it can be used as a decorator."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def forget(listener: Callable[[Event, Publishable], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def announce(event: Event, obj: Publishable) -> None:
    """Tell every listener about ``obj`` once the current transaction has committed."""

    def deliver() -> None:
        for listener in list(_listeners):
            listener(event, obj)

    transaction.on_commit(deliver)
