"""Work plans (分工方案), their categories and tasks, units, reporting cycles and progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.uploads import RandomUploadTo
from gongkai.workplan.choices import (
    CycleKind,
    DeadlineKind,
    EvidenceKind,
    ReportStatus,
    ReviewStatus,
    UnitRole,
)


class Plan(models.Model):
    """One organ's division plan for a year, with the notice that issued it."""

    organ = models.ForeignKey(
        "accounts.Organ", on_delete=models.PROTECT, related_name="plans", verbose_name=_("机关")
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("方案名称"), max_length=200)
    notice_title = models.CharField(_("通知标题"), max_length=300, blank=True)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    recipients = models.JSONField(_("主送"), default=list, blank=True)
    basis = models.JSONField(_("依据文件"), default=list, blank=True)
    parent_plan = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_plans",
        verbose_name=_("所落实的上级方案"),
    )
    cycle_kind = models.CharField(
        _("报送周期"), max_length=10, choices=CycleKind.choices, default=CycleKind.QUARTERLY
    )
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_text = models.TextField(_("来源原文"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("分工方案")
        verbose_name_plural = _("分工方案")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="categories")
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("类别"), max_length=200)

    class Meta:
        verbose_name = _("任务类别")
        verbose_name_plural = _("任务类别")
        ordering = ["plan", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="workplan_category_seq")
        ]

    def __str__(self) -> str:
        return self.title


class TaskQuerySet(models.QuerySet["Task"]):
    def active(self) -> TaskQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks"
    )
    seq = models.PositiveSmallIntegerField(_("序号"))
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    title = models.CharField(_("工作任务"), max_length=300, blank=True)
    requirement = models.TextField(_("具体要求"))
    deadline_kind = models.CharField(
        _("时限类型"), max_length=10, choices=DeadlineKind.choices, default=DeadlineKind.NONE
    )
    due_on = models.DateField(_("完成时限"), null=True, blank=True, db_index=True)
    deadline_text = models.CharField(_("时限原文"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    parent_task = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_tasks",
        verbose_name=_("所落实的上级任务"),
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "sort_order", "seq"]

    def __str__(self) -> str:
        return f"{self.seq}. {(self.title or self.requirement)[:40]}"


class TaskUnit(models.Model):
    """A unit or unit group assigned to a task, with its latest reported status."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("职责"), max_length=4, choices=UnitRole.choices)
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_assignments",
    )
    group = models.ForeignKey(
        "accounts.UnitGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_assignments",
    )
    written_as = models.CharField(_("原文写法"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    # The latest report's facts, kept by submit_report/review_report for fast dashboards.
    status = models.CharField(
        _("最新进展状态"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.NOT_STARTED,
    )
    review_status = models.CharField(
        _("审核状态"), max_length=10, choices=ReviewStatus.choices, blank=True
    )
    reported_at = models.DateTimeField(_("最近报送"), null=True, blank=True)
    # The status the coordinator last accepted: what dashboards and exports count.
    accepted_status = models.CharField(
        _("已采纳状态"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.NOT_STARTED,
    )

    class Meta:
        verbose_name = _("任务单位")
        verbose_name_plural = _("任务单位")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, group__isnull=True)
                    | models.Q(unit__isnull=True, group__isnull=False)
                ),
                name="workplan_taskunit_one_target",
            )
        ]

    def __str__(self) -> str:
        return str(self.unit or self.group)

    @property
    def label(self) -> str:
        return str(self.unit.name if self.unit else self.group.name if self.group else "")


class Cycle(models.Model):
    """A reporting cycle: each lead unit reports each task once per cycle."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cycles")
    seq = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("名称"), max_length=50)
    starts_on = models.DateField(_("开始"))
    closes_on = models.DateField(_("截止"), db_index=True)

    class Meta:
        verbose_name = _("报送周期")
        verbose_name_plural = _("报送周期")
        ordering = ["plan", "seq"]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """One submission of progress on a task by a unit for a cycle; later ones supersede it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="reports")
    assignment = models.ForeignKey(TaskUnit, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("进展状态"), max_length=12, choices=ReportStatus.choices)
    text = models.TextField(_("进展情况"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True, db_index=True)
    review_status = models.CharField(
        _("审核状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit} · {self.get_status_display()}"


class Evidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("类型"), max_length=10, choices=EvidenceKind.choices)
    label = models.CharField(_("说明"), max_length=200, blank=True)
    url = models.URLField(_("链接"), max_length=500, blank=True)
    file = models.FileField(_("附件"), upload_to=RandomUploadTo("workplan-evidence"), blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.label or self.url or self.original_name


class TaskIndicator(models.Model):
    """An automatic measure (from the indicator registry) shown on a task's page."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(_("指标"), max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "key"], name="workplan_task_indicator")
        ]

    def __str__(self) -> str:
        return self.key


class Notification(models.Model):
    """An in-app message: a reminder, an escalation, a returned report."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organ = models.ForeignKey("accounts.Organ", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    message = models.CharField(_("内容"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                name="workplan_notice_once",
                condition=~models.Q(dedupe_key=""),
            )
        ]

    def __str__(self) -> str:
        return self.message
