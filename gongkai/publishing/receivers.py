"""The publisher listens to the ``Publishable`` announcements of content modules."""

from __future__ import annotations

from typing import Any

from gongkai.core.publishable import Event, listen


def on_announce(event: Event, obj: Any) -> None:
    """After the commit of a publication, revision or withdrawal: rewrite its pages (a task)."""
    from gongkai.disclosure.models import DisclosureItem
    from gongkai.publishing.tasks import publish_item_task

    if isinstance(obj, DisclosureItem):
        publish_item_task.enqueue(obj.pk)


def connect() -> None:
    listen(on_announce)
