"""Database upkeep: planner statistics, so list pages keep choosing the right index."""

from __future__ import annotations

from typing import Any

from django.db import connection


def analyze_database() -> None:
    """Run ANALYZE (SQLite and PostgreSQL). Without statistics SQLite may pick an index that
    matches the filter but not the sort, and sort a whole table for one page."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA optimize")


def analyze_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate handler: fresh statistics after the schema changed."""
    if kwargs.get("using", "default") == "default" and sender.name == "gongkai.core":
        analyze_database()
