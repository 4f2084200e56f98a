"""Background tasks of the publisher. Each takes ids and is idempotent: it renders from the
database as it is when it runs, so running it again (a retry after its worker was killed, the
daily repair) writes the same files."""

from __future__ import annotations

from django_tasks import task


@task()
def publish_item_task(item_id: int) -> int:
    """Rewrite the pages one item changes; returns how many files were written."""
    from gongkai.publishing.services import publish_item

    return len(publish_item(item_id).written)


@task()
def publish_organ_pages_task(organ_id: int) -> int:
    """Rewrite an organ's column, 公开指南 and 权责清单 pages; returns how many files were
    written."""
    from gongkai.publishing.services import publish_organ_pages

    return len(publish_organ_pages(organ_id).written)
