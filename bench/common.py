"""What every page benchmark starts with: Django set up on a migrated scratch database, and the
demo organ with its units and staff."""

from __future__ import annotations

import io
import os
from typing import Any


def setup_django() -> None:
    """Configure Django for a benchmark process and migrate its (scratch) database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("GONGKAI_TASK_BACKEND", "immediate")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]  # the test client's host
    call_command("migrate", verbosity=0)


def demo_organ() -> tuple[Any, Any]:
    """The demo organ (with its units and users) and its coordinator."""
    from gongkai.accounts import demo as accounts_demo
    from gongkai.core.demo import DemoContext

    context = DemoContext(stdout=io.StringIO())
    accounts_demo.load(context)
    return context.organ, context.users["coordinator"]


def published_item(organ: Any, coordinator: Any, i: int, published: Any, **fields: Any) -> Any:
    """An unsaved published item number ``i`` of the demo organ, published on ``published``
    (``fields``: unit, node, title, body and the like)."""
    from django.utils import timezone

    from gongkai.disclosure.models import DisclosureItem

    return DisclosureItem(
        organ=organ,
        created_by=coordinator,
        formed_on=published,
        status="published",
        version=1,
        index_no=f"{organ.index_code}/{published.year}-{i:07d}",
        published_on=published,
        published_at=timezone.now(),
        **fields,
    )
