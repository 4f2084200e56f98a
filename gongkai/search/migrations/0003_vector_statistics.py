"""PostgreSQL: keep statistics on ten times more words of the search vectors, so that the
planner's estimate of a query's matches — which chooses between walking the newest documents
and gathering from the GIN index — is right for middling words too, not only for the commonest.
Nothing to do on SQLite."""

from typing import Any

from django.db import migrations

COLUMNS = ("tsv", "title_tsv")


def _set(target: int) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in COLUMNS:
            schema_editor.execute(
                f"ALTER TABLE search_searchdocument ALTER COLUMN {column} SET STATISTICS {target}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engines")]

    operations = [migrations.RunPython(_set(1000), _set(-1))]
