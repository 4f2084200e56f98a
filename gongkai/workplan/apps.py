from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "gongkai.workplan"
    label = "workplan"
    verbose_name = _("工作要点分工方案")
