"""PostgreSQL: keep a document's text and vector out of its row, uncompressed.

A search reads the rows of its matches (their dates, to keep the newest) and walks the newest
rows: with the body and the vector inline a row took a quarter of a page, and every match cost a
page read. Out of line (``toast_tuple_target``) the rows are narrow — many to a page, the table
small enough to stay cached — and the vector, stored uncompressed (``EXTERNAL``), is read without
decompressing it each time it is matched or ranked. Rows take the new layout when written, so
run ``gongkai reindex`` after this migration. Nothing to do on SQLite."""

from typing import Any

from django.db import migrations

TABLE = "search_searchdocument"


def _layout(target: int | None, storage: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in ("body", "tsv"):
            schema_editor.execute(
                f"ALTER TABLE {TABLE} ALTER COLUMN {column} SET STORAGE {storage}"
            )
        if target is None:
            schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")
        else:
            schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = {target})")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_vector_statistics")]

    operations = [migrations.RunPython(_layout(256, "EXTERNAL"), _layout(None, "EXTENDED"))]
