from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "gongkai.publishing"
    label = "publishing"
    verbose_name = _("静态发布")

    def ready(self) -> None:
        from gongkai.publishing.receivers import connect

        connect()
