"""The listed-item count of each catalogue node (``ListedCount``), kept by database triggers.

The public site numbers a node's list pages from the oldest item, so placing a new item needs
the node's count; counting a parent column's list walked its whole index (~5 ms at 100,000
items, ten times that at a million) on every publication. The triggers keep the counts in the
same transactions that change the items, whatever writes them (services, bulk loads, imports,
plain SQL): an insert, delete or update of an item adds or takes one from the nodes it is
listed in before and after.

SQLite drops a table's triggers when a migration rebuilds the table, so ``ensure()`` runs after
every ``migrate`` (``post_migrate``): it creates the triggers that are missing and, when it had
to, counts afresh.
"""

# ruff: noqa: S608 - the statements are built from the constant names below, never from input

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

ITEMS = "disclosure_disclosureitem"
COUNTS = "disclosure_listedcount"
LISTED_NEW = "NEW.published_on IS NOT NULL AND NEW.version > 0"
LISTED_OLD = "OLD.published_on IS NOT NULL AND OLD.version > 0"


def _sqlite_add(side: str) -> str:
    return (
        f"INSERT OR IGNORE INTO {COUNTS} (node_id, listed) VALUES ({side}.node_id, 0); "
        f"UPDATE {COUNTS} SET listed = listed + 1 WHERE node_id = {side}.node_id;"
    )


def _sqlite_take(side: str) -> str:
    return f"UPDATE {COUNTS} SET listed = listed - 1 WHERE node_id = {side}.node_id;"


# Row triggers (SQLite has no other kind); the update one fires only when an item enters or
# leaves the lists or changes node while listed.
SQLITE_TRIGGERS = {
    "disclosure_listed_insert": (
        f"CREATE TRIGGER disclosure_listed_insert AFTER INSERT ON {ITEMS} "
        f"WHEN {LISTED_NEW} BEGIN {_sqlite_add('NEW')} END"
    ),
    "disclosure_listed_delete": (
        f"CREATE TRIGGER disclosure_listed_delete AFTER DELETE ON {ITEMS} "
        f"WHEN {LISTED_OLD} BEGIN {_sqlite_take('OLD')} END"
    ),
    "disclosure_listed_update": (
        f"CREATE TRIGGER disclosure_listed_update "
        f"AFTER UPDATE OF node_id, published_on, version ON {ITEMS} "
        f"WHEN ({LISTED_OLD}) IS NOT ({LISTED_NEW}) "
        f"OR (OLD.node_id IS NOT NEW.node_id AND ({LISTED_OLD} OR {LISTED_NEW})) "
        "BEGIN "
        f"UPDATE {COUNTS} SET listed = listed - 1 WHERE node_id = OLD.node_id AND {LISTED_OLD}; "
        f"INSERT OR IGNORE INTO {COUNTS} (node_id, listed) "
        f"SELECT NEW.node_id, 0 WHERE {LISTED_NEW}; "
        f"UPDATE {COUNTS} SET listed = listed + 1 WHERE node_id = NEW.node_id AND {LISTED_NEW}; "
        "END"
    ),
}


def _pg_change(rows: str) -> str:
    """The SQL that adds to each node the (signed) count of listed items in ``rows`` — a
    union of ``(node_id, +1 | -1)`` from the statement's transition tables."""
    return (
        f"INSERT INTO {COUNTS} (node_id, listed) "
        f"SELECT node_id, SUM(n) FROM ({rows}) AS change GROUP BY node_id HAVING SUM(n) <> 0 "
        "ORDER BY node_id "  # rows locked in one order by every writer: no deadlock
        f"ON CONFLICT (node_id) DO UPDATE SET listed = {COUNTS}.listed + EXCLUDED.listed"
    )


_PG_NEW = "SELECT node_id, 1 AS n FROM new_rows WHERE published_on IS NOT NULL AND version > 0"
_PG_OLD = "SELECT node_id, -1 AS n FROM old_rows WHERE published_on IS NOT NULL AND version > 0"
# Statement triggers with transition tables: a bulk insert of thousands of items makes one
# grouped change per node, not one update of the same row per item.
PG_FUNCTIONS = {
    "disclosure_listed_insert": _pg_change(_PG_NEW),
    "disclosure_listed_delete": _pg_change(_PG_OLD),
    "disclosure_listed_update": _pg_change(f"{_PG_OLD} UNION ALL {_PG_NEW}"),
}
PG_REFERENCING = {
    "disclosure_listed_insert": ("INSERT", "NEW TABLE AS new_rows"),
    "disclosure_listed_delete": ("DELETE", "OLD TABLE AS old_rows"),
    "disclosure_listed_update": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
}


def _existing(cursor: Any, vendor: str) -> set[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [ITEMS],
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [ITEMS]
        )
    return {row[0] for row in cursor.fetchall()}


def _create(cursor: Any, vendor: str, name: str) -> None:
    if vendor == "postgresql":
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {PG_FUNCTIONS[name]}; RETURN NULL; END $$"
        )
        event, referencing = PG_REFERENCING[name]
        cursor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {ITEMS} REFERENCING {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    else:
        cursor.execute(SQLITE_TRIGGERS[name])


def recount(connection: BaseDatabaseWrapper) -> None:
    """Count every node's listed items afresh."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(
            f"INSERT INTO {COUNTS} (node_id, listed) "
            f"SELECT node_id, COUNT(*) FROM {ITEMS} "
            "WHERE published_on IS NOT NULL AND version > 0 GROUP BY node_id"
        )


def ensure(connection: BaseDatabaseWrapper) -> list[str]:
    """Create the triggers that are missing (and then count afresh); return their names."""
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(connection.vendor)
    tables = set(connection.introspection.table_names())
    if not {ITEMS, COUNTS} <= tables:
        return []
    # One transaction: the new triggers lock out writers until the recount is committed, so no
    # item written in between is counted twice or not at all.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        missing = sorted(set(SQLITE_TRIGGERS) - _existing(cursor, connection.vendor))
        for name in missing:
            _create(cursor, connection.vendor, name)
        if missing:
            recount(connection)
    return missing


def drop(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers (the migration's way back)."""
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {name}"
                + (f" ON {ITEMS}" if connection.vendor == "postgresql" else "")
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
