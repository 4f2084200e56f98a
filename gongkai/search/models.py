"""The search index: one row per published document, and the engine's own structure beside it
(an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL — see migrations)."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    doc_id = models.CharField(max_length=100, unique=True)  # e.g. "disclosure.item:12"
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("正文"), blank=True)  # plain text, for snippets
    url = models.CharField(max_length=300)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    organ_id = models.IntegerField(null=True, blank=True)
    node_id = models.IntegerField(null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=30, blank=True)
    publisher = models.CharField(_("发布机构"), max_length=200, blank=True)
    dictionary = models.CharField(max_length=20, blank=True)  # segmenter dictionary version
    tsv = SearchVectorField(null=True, blank=True)  # PostgreSQL only: title (A) and body (B)
    title_tsv = SearchVectorField(null=True, blank=True)  # PostgreSQL only: the title alone

    class Meta:
        verbose_name = _("搜索文档")
        verbose_name_plural = _("搜索文档")
        indexes = [
            models.Index(fields=["-published_on", "-id"], name="search_newest"),
            models.Index(fields=["organ_id", "-published_on", "-id"], name="search_organ_newest"),
        ]

    def __str__(self) -> str:
        return self.doc_id
