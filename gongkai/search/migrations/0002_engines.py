"""The engine beside the document table: an FTS5 table on SQLite; a GIN index over the tsvector
on PostgreSQL. Each is created only on its own database."""

from django.db import migrations

SQLITE_UP = [
    # Contentless: the words are not stored twice (the document row keeps the plain text, and
    # a deletion re-cuts it with the same dictionary version to tell FTS5 what to remove).
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts "
    "USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 0')",
    # Titles alone: "title matches first" walks only title occurrences.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_title_fts "
    "USING fts5(title, content='', tokenize='unicode61 remove_diacritics 0')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS search_fts", "DROP TABLE IF EXISTS search_title_fts"]
PG_UP = [
    "CREATE INDEX IF NOT EXISTS search_tsv_gin ON search_searchdocument USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_title_tsv_gin ON search_searchdocument "
    "USING gin (title_tsv)",
]
PG_DOWN = ["DROP INDEX IF EXISTS search_tsv_gin", "DROP INDEX IF EXISTS search_title_tsv_gin"]


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_UP, "postgresql": PG_UP}.get(vendor, []):
        schema_editor.execute(statement)


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_documents")]
    operations = [migrations.RunPython(up, down)]
