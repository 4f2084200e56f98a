"""Seed holidays and make-up working days 2004–2026 from the chinesecalendar package."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from gongkai.workdays.seed import seed_calendar

    seed_calendar(
        apps.get_model("workdays", "CalendarYear"), apps.get_model("workdays", "CalendarDay")
    )


def unseed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("workdays", "CalendarDay").objects.filter(source="seeded").delete()
    apps.get_model("workdays", "CalendarYear").objects.filter(source="seeded").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
