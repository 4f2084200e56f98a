"""Enumerations of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role within one organ (机关)."""

    ADMIN = "admin", _("系统管理员")
    COORDINATOR = "coordinator", _("公开办（统筹协调）")
    EDITOR = "editor", _("科室编辑")
    REVIEWER = "reviewer", _("保密审查员")
    LEADER = "leader", _("审批领导")
    AUDITOR = "auditor", _("审计员（只读）")


class UnitKind(models.TextChoices):
    """What kind of unit (单位) a unit is within its organ."""

    OFFICE = "office", _("办公室")
    DIVISION = "division", _("业务科室")
    SUPPORT = "support", _("综合科室")
    AFFILIATED = "affiliated", _("直属单位")
    AGENCY = "agency", _("派出机构")
    ASSOCIATION = "association", _("行业协会")
    OTHER = "other", _("其他")
