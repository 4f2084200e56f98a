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


class ReviewKind(models.TextChoices):
    """What kind of organ an organ is for 行政复议: it decides which body reviews its acts
    (《中华人民共和国行政复议法》2023 第二十四条、第二十五条、第二十七条、第二十八条;
    RULES §2.5)."""

    DEPARTMENT = "department", _("县级以上地方人民政府工作部门（本级人民政府复议）")
    JUSTICE = "justice", _("司法行政部门（本级人民政府或上一级司法行政部门复议）")
    VERTICAL = "vertical", _("实行垂直领导的机关、税务和国家安全机关（上一级主管部门复议）")
    LOCAL_GOVERNMENT = "local_government", _("地方人民政府（上一级人民政府复议）")
    OWN = "own", _("省级人民政府或国务院部门（本机关复议）")


class RemedyMode(models.TextChoices):
    """How a decision's remedies clause reads (行政复议法 2023 第二十三条; RULES §2.5)."""

    CHOICE = "choice", _("可以申请行政复议或者提起行政诉讼")
    REVIEW_FIRST = "review_first", _("应当先申请行政复议（复议前置）")
    MIXED = "mixed", _("不予公开的部分复议前置，其他部分可以选择")
