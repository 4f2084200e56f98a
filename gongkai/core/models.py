"""Core models: the hash-chained audit log and import jobs."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.errors import DomainError


class AppendOnlyError(DomainError):
    code = "audit_append_only"
    default_message = _("审计日志只能追加，不能修改或删除。")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError

    def for_organs(self, organ_ids: list[int]) -> AuditEventQuerySet:
        return self.filter(organ_id__in=organ_ids)


class AuditScheme(models.IntegerChoices):
    """How a record's hash was made. Records written before the audit key existed keep their
    plain SHA-256 (migration ``0003_audit_scheme`` marks them); every record since is an
    HMAC-SHA256 under ``GONGKAI_AUDIT_KEY``, which nobody with only the database can recompute.
    A keyed record is never followed by a plain one (``verify_chain`` calls that a downgrade)."""

    SHA256 = 1, _("SHA-256（启用审计密钥之前）")
    HMAC_SHA256 = 2, _("HMAC-SHA256（审计密钥）")


class AuditEvent(models.Model):
    """One audited action. Rows form a hash chain: each hash covers the previous one, keyed
    with the audit key (``scheme``) since it exists.

    Actor and organ are kept as plain ids plus a label so that the record stays what it was
    when written, whatever later happens to the user or organ.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    organ_id = models.BigIntegerField(_("机关"), null=True, blank=True, db_index=True)
    actor_id = models.BigIntegerField(_("操作人"), null=True, blank=True, db_index=True)
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.TextField(_("变更内容"), default="{}")
    # Text in Python's canonical form (not PostgreSQL inet), so the hashed text is what is stored.
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("浏览器标识"), max_length=400, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)
    scheme = models.PositiveSmallIntegerField(_("哈希方式"), choices=AuditScheme.choices)

    objects: ClassVar[AuditEventQuerySet] = AuditEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError

    @property
    def changes_data(self) -> Any:
        return json.loads(self.changes)


class ImportJob(models.Model):
    """A long import (a plan, a calendar notice, a list): progress and per-row errors."""

    class Status(models.TextChoices):
        PENDING = "pending", _("等待中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    organ = models.ForeignKey(
        "accounts.Organ",
        on_delete=models.PROTECT,
        related_name="import_jobs",
        verbose_name=_("机关"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发起人"),
    )
    kind = models.CharField(_("类型"), max_length=50)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("总数"), default=0)
    processed = models.PositiveIntegerField(_("已处理"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed__lte=models.F("total")) | models.Q(total=0),
                name="core_importjob_processed_le_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, self.processed * 100 // self.total)


class ImportRowError(models.Model):
    """One problem found in one row of an import, kept for the person who fixes the source."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("行号"))
    column = models.CharField(_("列"), max_length=100, blank=True)
    message = models.CharField(_("问题"), max_length=500)
    raw = models.TextField(_("原文"), blank=True)

    class Meta:
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")
        ordering = ["row", "pk"]

    def __str__(self) -> str:
        return f"{self.row}: {self.message}"
