from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "gongkai.disclosure"
    label = "disclosure"
    verbose_name = _("主动公开")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_listed_count_triggers, sender=self)


def _listed_count_triggers(sender: object, using: str = "default", **kwargs: object) -> None:
    """After every migrate: the listed-count triggers exist (a migration that rebuilt the items
    table on SQLite took them away) — see disclosure.listing."""
    from django.db import connections

    from gongkai.disclosure import listing

    listing.ensure(connections[using])
