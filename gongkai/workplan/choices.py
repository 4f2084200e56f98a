"""Enumerations of the work-plan tracker."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    CO = "co", _("配合")


class DeadlineKind(models.TextChoices):
    NONE = "none", _("未规定")
    DATE = "date", _("按日期")
    ONGOING = "ongoing", _("持续推进")
    UNPARSED = "unparsed", _("待核对")


class ReportStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    BEHIND = "behind", _("滞后")
    CANNOT = "cannot", _("无法完成")


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    RETURNED = "returned", _("已退回")


class CycleKind(models.TextChoices):
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    CUSTOM = "custom", _("自定义")


class EvidenceKind(models.TextChoices):
    URL = "url", _("链接")
    FILE = "file", _("附件")
    OBJECT = "object", _("平台内对象")
