"""The publisher listens to the ``Publishable`` announcements of content modules, and to the
saving of an organ's own published lists (权责清单, 公开指南), which announce nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from gongkai.core.publishable import Event, listen


def on_announce(event: Event, obj: Any) -> None:
    """After the commit of a publication, revision or withdrawal: rewrite its pages (a task)."""
    from gongkai.disclosure.models import DisclosureItem
    from gongkai.publishing.tasks import publish_item_task

    if isinstance(obj, DisclosureItem):
        publish_item_task.enqueue(obj.pk)


def on_organ_list_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """A new 权责清单 import or 公开指南 version: after its commit, rewrite the organ's pages (a
    task). Without this their pages changed only with a full build, and ``check_site`` found
    them stale."""
    from gongkai.publishing.tasks import publish_organ_pages_task

    if created:
        organ_id = instance.organ_id
        transaction.on_commit(lambda: publish_organ_pages_task.enqueue(organ_id))


def connect() -> None:
    from gongkai.disclosure.models import GuideVersion, PowerList

    listen(on_announce)
    for model in (PowerList, GuideVersion):
        post_save.connect(on_organ_list_saved, sender=model, dispatch_uid=f"publish-{model}")
