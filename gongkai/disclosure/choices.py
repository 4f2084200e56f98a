"""Enumerations of proactive disclosure (主动公开)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待保密审查")
    REVIEWED = "reviewed", _("待审批")
    APPROVED = "approved", _("待发布")
    PUBLISHED = "published", _("已发布")
    REFUSED = "refused", _("不予公开")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReviewDecision(models.TextChoices):
    DISCLOSE = "disclose", _("可公开")
    PARTIAL = "partial", _("部分公开")
    WITHHOLD = "withhold", _("不予公开")


class Validity(models.TextChoices):
    VALID = "valid", _("有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")
    AMENDED = "amended", _("已修改")


_VALIDITY_LABELS = dict(Validity.choices)


def validity_label(value: str) -> str:
    """The label of a validity value (one unknown to this version, from older data, as it is)."""
    return str(_VALIDITY_LABELS.get(value, value))


class ItemKind(models.TextChoices):
    GENERAL = "general", _("政府信息")
    POLICY = "policy", _("政策文件")
    INTERPRETATION = "interpretation", _("政策解读")
    PERSONNEL = "personnel", _("人事任免")
    RECRUITMENT = "recruitment", _("考录招聘")
    BUDGET = "budget", _("预算决算")
    THREE_PUBLIC = "three_public", _("三公经费")


class InterpretationForm(models.TextChoices):
    TEXT = "text", _("文字解读")
    GRAPHIC = "graphic", _("图表图解")
    MEDIA = "media", _("音视频")
    QA = "qa", _("简明问答")
    PRESS = "press", _("新闻发布会")
    H5 = "h5", _("H5 页面")
