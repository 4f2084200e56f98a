"""The manifest of the published site: every file with its hash, size and source."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublishedFile(models.Model):
    path = models.CharField(_("路径"), max_length=400, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(_("大小"))
    source = models.CharField(_("来源"), max_length=100, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=0)
    written_at = models.DateTimeField(_("写入时间"))

    class Meta:
        verbose_name = _("已发布文件")
        verbose_name_plural = _("已发布文件")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path
