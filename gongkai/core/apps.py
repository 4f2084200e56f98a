from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gongkai.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.urls import register_converter

        from gongkai.core.converters import IdConverter

        register_converter(IdConverter, "id")

        from gongkai.core.checkpoints import anchor_after_migrate
        from gongkai.core.maintenance import analyze_after_migrate

        post_migrate.connect(analyze_after_migrate, sender=self)
        post_migrate.connect(anchor_after_migrate, sender=self)
