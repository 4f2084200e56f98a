"""Enumerations of the workdays app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日（放假）")
    MAKEUP = "makeup", _("调休上班")


class CalendarSource(models.TextChoices):
    SEEDED = "seeded", _("预置数据（chinesecalendar）")
    NOTICE = "notice", _("国务院办公厅通知")
    MANUAL = "manual", _("管理员更正")


class ClockEventKind(models.TextChoices):
    START = "start", _("起算")
    RESTART = "restart", _("重新起算")
    PAUSE = "pause", _("中止")
    RESUME = "resume", _("恢复")
    EXTEND = "extend", _("延长")
    STOP = "stop", _("结束")


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    PAUSED = "paused", _("已中止")
    STOPPED = "stopped", _("已结束")
    OVERDUE = "overdue", _("已超期")
