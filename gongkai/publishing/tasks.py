"""Background tasks of the publisher."""

from __future__ import annotations

from django_tasks import task


@task()
def publish_item_task(item_id: int) -> int:
    """Rewrite the pages one item changes; returns how many files were written."""
    from gongkai.publishing.services import publish_item

    return len(publish_item(item_id).written)
