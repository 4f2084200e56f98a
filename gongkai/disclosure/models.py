"""Proactive disclosure: the catalogue (公开目录), items with versions, index-number counters."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.core.uploads import RandomUploadTo
from gongkai.disclosure.choices import (
    InterpretationForm,
    ItemKind,
    ItemStatus,
    ReviewDecision,
    Validity,
    validity_label,
)

# Addresses under /xxgk/<organ>/ that are pages of their own, not columns (portal/urls.py): a
# column with such a code would be published over them. (/xxgk/<organ>/guide/ is the standard
# 公开指南 column's own address, which the structured guide page takes over.)
RESERVED_NODE_CODES = frozenset({"powers"})


def validate_node_code(code: str) -> None:
    """A column's code is the last part of its address (/xxgk/<organ>/<code>/)."""
    validate_slug(code)
    if code in RESERVED_NODE_CODES:
        raise ValidationError(_("“%(code)s”是保留地址，不能用作栏目代码。"), params={"code": code})


class CatalogueNode(models.Model):
    """A column of the organ's 公开目录; ``cadence_days`` is how often it should be updated."""

    organ = models.ForeignKey(
        "accounts.Organ", on_delete=models.PROTECT, related_name="catalogue_nodes"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("栏目名称"), max_length=100)
    code = models.CharField(_("代码"), max_length=50, validators=[validate_node_code])
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    cadence_days = models.PositiveIntegerField(_("更新周期（天）"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("目录栏目")
        verbose_name_plural = _("目录栏目")
        ordering = ["organ", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "code"], name="disclosure_node_code")
        ]

    def __str__(self) -> str:
        return self.name


class ListedCount(models.Model):
    """How many listed items (``LISTED``) a catalogue node holds. Kept by triggers on the items
    table (``disclosure.listing``) whatever writes the items — services, bulk loads, imports,
    plain SQL — and read in the same transaction as the items, so the public site places a new
    item on its numbered page without counting the node's list. The application never writes
    it."""

    node = models.OneToOneField(
        CatalogueNode,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # written by triggers only; a deleted node leaves a stale zero
        related_name="+",
    )
    listed = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.node_id}: {self.listed}"


class IndexCounter(models.Model):
    """The last index-number serial used by an organ in a year (row-locked when allocating)."""

    organ = models.ForeignKey("accounts.Organ", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organ", "year"], name="disclosure_counter_year")
        ]

    def __str__(self) -> str:
        return f"{self.organ_id}/{self.year}: {self.last_serial}"


class ItemQuerySet(models.QuerySet["DisclosureItem"]):
    def published(self) -> ItemQuerySet:
        return self.filter(status=ItemStatus.PUBLISHED)


# An item the public site lists: published at least once (withdrawn ones stay listed, marked).
LISTED = models.Q(version__gt=0, published_on__isnull=False)
LISTED_SQL = "published_on IS NOT NULL AND version > 0"  # the same, for hand-written SQL


def item_url(pk: int) -> str:
    """The public address of an item's page."""
    return f"/xxgk/items/{pk}/"


def search_text(summary: str, body: str, validity: str) -> str:
    """Return what the search index holds of an item's text: a document no longer in force (失效,
    废止, 已修改) says so first, so that its hit shows it (RULES §10)."""
    text = summary + "\n" + body
    if validity == Validity.VALID:
        return text
    return gettext("有效性：%(v)s") % {"v": validity_label(validity)} + "\n" + text


class DisclosureItem(models.Model):
    """One piece of government information (政府信息) and its life from draft to publication."""

    organ = models.ForeignKey(
        "accounts.Organ",
        on_delete=models.PROTECT,
        related_name="disclosures",
        verbose_name=_("机关"),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        related_name="disclosures",
        verbose_name=_("发布机构"),
    )
    node = models.ForeignKey(
        CatalogueNode,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("目录栏目"),
        db_index=False,  # disclosure_node_listed leads with it (one index, no wrong choice)
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=ItemKind.choices, default=ItemKind.GENERAL
    )
    topic = models.CharField(_("主题分类"), max_length=100, blank=True)
    title = models.CharField(_("名称"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    subject_words = models.CharField(_("主题词"), max_length=200, blank=True)
    summary = models.TextField(_("内容概述"), blank=True)
    body = models.TextField(_("正文"), blank=True)
    written_on = models.DateField(_("成文日期"), null=True, blank=True)
    formed_on = models.DateField(_("信息形成日期"))
    # 条例 第二十六条 (RULES §2.3): a revision is due N working days after the information
    # changed. Set on a revision (cleared when the next one starts); each version keeps its own
    # in its snapshot.
    changed_on = models.DateField(_("信息变更日期"), null=True, blank=True)
    validity = models.CharField(
        _("有效性"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        db_index=False,  # indexed where set (Meta.indexes)
        verbose_name=_("替代文件"),
    )
    needs_interpretation = models.BooleanField(_("需解读"), default=False)
    interprets = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interpretations",
        db_index=False,  # indexed where set (Meta.indexes)
        verbose_name=_("所解读的政策"),
    )
    interpretation_form = models.CharField(
        _("解读形式"), max_length=10, blank=True, choices=InterpretationForm.choices
    )
    qa_pairs = models.JSONField(_("简明问答"), default=list, blank=True)
    details = models.JSONField(_("结构化信息"), default=dict, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ItemStatus.choices,
        default=ItemStatus.DRAFT,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    index_no = models.CharField(_("索引号"), max_length=60, blank=True, db_index=True)
    # Indexed by disclosure_site_listed, which leads with it.
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    review_decision = models.CharField(
        _("保密审查意见"), max_length=10, choices=ReviewDecision.choices, blank=True
    )
    review_basis = models.CharField(_("审查依据"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Separation of duties (条例 第十七条; ``disclosure.permissions``): who wrote what is to be
    # reviewed — whoever created, edited, attached to or submitted the draft since the current
    # round began (its creation, or the start of a revision); none of them reviews or approves it.
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("拟稿人")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("主动公开信息")
        verbose_name_plural = _("主动公开信息")
        ordering = ["-published_on", "-updated_at"]
        # The staff list sorts by these, newest first, with the id as tie-breaker.
        indexes = [
            models.Index(fields=["organ", "-updated_at", "-id"], name="disclosure_by_updated"),
            models.Index(fields=["organ", "-published_on", "-id"], name="disclosure_by_published"),
            models.Index(fields=["organ", "-formed_on", "-id"], name="disclosure_by_formed"),
            models.Index(fields=["organ", "title", "-id"], name="disclosure_by_title"),
            models.Index(fields=["organ", "index_no", "-id"], name="disclosure_by_index"),
            models.Index(fields=["organ", "status", "-updated_at"], name="disclosure_by_status"),
            # The public lists: a node's items in publication order, and the whole site's. The
            # version is in them so that counting and paging listed items (``LISTED``) reads the
            # index alone (a partial index would not serve SQLite's parameterised queries).
            models.Index(
                fields=["node", "published_on", "id", "version"], name="disclosure_node_listed"
            ),
            models.Index(fields=["published_on", "id", "version"], name="disclosure_site_listed"),
            # A sitemap chunk: a range of ids, read from the index alone (the rows are wide).
            models.Index(
                fields=["id", "status", "published_on", "version"], name="disclosure_sitemap"
            ),
            # Almost every item replaces nothing and interprets nothing: a full index would tell
            # the planner the column is useless; indexing only the set values keeps the lookup
            # of one document's interpretations (or successor) a seek.
            models.Index(
                fields=["interprets"],
                name="disclosure_interprets",
                condition=models.Q(interprets__isnull=False),
            ),
            models.Index(
                fields=["replaced_by"],
                name="disclosure_replaced_by",
                condition=models.Q(replaced_by__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organ", "index_no"],
                name="disclosure_index_no",
                condition=~models.Q(index_no=""),
            ),
            models.CheckConstraint(
                condition=models.Q(changed_on__isnull=True)
                | models.Q(changed_on__gte=models.F("formed_on")),
                name="disclosure_changed_after_formed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # --- Publishable -------------------------------------------------------------------------
    def public_url(self) -> str:
        return item_url(self.pk)

    def render_context(self) -> dict[str, object]:
        return {"item": self}

    def search_document(self) -> dict[str, object]:
        return {
            "title": self.title,
            "body": search_text(self.summary, self.body, self.validity),
            "url": self.public_url(),
            "published_on": self.published_on,
            "organ": self.organ_id,
            "node": self.node_id,
            "unit": self.unit_id,
            "publisher": self.unit.name if self.unit_id else "",
            "kind": self.kind,
        }


class DisclosureSettings(models.Model):
    """An organ's own rules of proactive disclosure; an organ without a row has the defaults."""

    organ = models.OneToOneField(
        "accounts.Organ",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="disclosure_settings",
        verbose_name=_("机关"),
    )
    # RULES §7.1 (政策解读 forms 🟡: 文字 plus 图表图解、音视频、H5 …): a local rule, so per organ.
    is_other_form_required = models.BooleanField(
        _("政策解读须有文字解读以外的形式"),
        default=False,
        help_text=_(
            "开启后，需解读的政策文件须至少有一份图表图解、音视频、简明问答、新闻发布会、"
            "H5 页面等文字解读以外形式的解读提交审查后，才能发布。"
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("主动公开设置")
        verbose_name_plural = _("主动公开设置")

    def __str__(self) -> str:
        return str(self.organ)


class ItemVersion(models.Model):
    """A published version of an item, kept for ever (revisions add versions, never replace)."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="disclosure_version")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version}"


class Attachment(models.Model):
    item = models.ForeignKey(DisclosureItem, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=RandomUploadTo("disclosure"))
    original_name = models.CharField(_("文件名"), max_length=255)
    media_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    alt_text = models.CharField(_("替代文本"), max_length=200, blank=True)
    is_removed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.original_name


class PowerList(models.Model):
    """One imported version of the organ's 权责清单; the newest is the current one."""

    organ = models.ForeignKey("accounts.Organ", on_delete=models.PROTECT, related_name="+")
    import_job = models.ForeignKey("core.ImportJob", on_delete=models.PROTECT, related_name="+")
    source_name = models.CharField(_("来源文件"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    is_current = models.BooleanField(_("现行"), default=True)

    class Meta:
        verbose_name = _("权责清单")
        verbose_name_plural = _("权责清单")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.source_name


class PowerItem(models.Model):
    """One power (权力事项) of the organ with its basis and responsibilities."""

    power_list = models.ForeignKey(PowerList, on_delete=models.CASCADE, related_name="items")
    row = models.PositiveIntegerField(_("行号"))
    code = models.CharField(_("事项编码"), max_length=100, blank=True)
    name = models.CharField(_("事项名称"), max_length=300)
    category = models.CharField(_("职权类别"), max_length=30)
    basis = models.TextField(_("设定依据"))
    subject = models.CharField(_("实施主体"), max_length=200)
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsibilities = models.TextField(_("责任事项"), blank=True)
    accountability = models.TextField(_("追责情形"), blank=True)

    class Meta:
        verbose_name = _("权力事项")
        verbose_name_plural = _("权力事项")
        ordering = ["power_list", "row"]

    def __str__(self) -> str:
        return self.name


class GuideVersion(models.Model):
    """One version of the organ's 政府信息公开指南 (条例 第十二条); the newest is current."""

    organ = models.ForeignKey(
        "accounts.Organ", on_delete=models.PROTECT, related_name="guide_versions"
    )
    version = models.PositiveIntegerField()
    classification = models.TextField(_("政府信息的分类、编排体系"))
    how_to_obtain = models.TextField(_("获取方式（主动公开的查阅途径）"))
    how_to_apply = models.TextField(_("依申请公开的申请方式与处理流程"))
    office_name = models.CharField(_("工作机构名称"), max_length=100)
    address = models.CharField(_("办公地址"), max_length=200)
    office_hours = models.CharField(_("办公时间"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=50)
    fax = models.CharField(_("传真号码"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    website = models.URLField(_("互联网联系方式"), blank=True)
    remedies = models.TextField(_("监督和救济渠道"), blank=True)
    reviewed_on = models.DateField(_("最近审核日期"))
    organ_contacts = models.JSONField(_("编写时的机关联系信息"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("公开指南")
        verbose_name_plural = _("公开指南")
        ordering = ["organ", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "version"], name="disclosure_guide_version")
        ]

    def __str__(self) -> str:
        return f"{self.organ_id} v{self.version}"


class NormativeDocument(models.Model):
    """An entry of the 规范性文件台账, linked to its disclosure item when published."""

    organ = models.ForeignKey(
        "accounts.Organ", on_delete=models.PROTECT, related_name="normative_documents"
    )
    item = models.OneToOneField(
        DisclosureItem, on_delete=models.PROTECT, null=True, blank=True, related_name="normative"
    )
    title = models.CharField(_("文件名称"), max_length=300)
    doc_number = models.CharField(_("文号"), max_length=100)
    registration_no = models.CharField(_("登记号"), max_length=100, blank=True)
    drafting_unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("起草单位")
    )
    issued_on = models.DateField(_("印发日期"))
    effective_on = models.DateField(_("施行日期"))
    expires_on = models.DateField(_("失效日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=[
            ("valid", _("现行有效")),
            ("repealed", _("已废止")),
            ("expired", _("已失效")),
            ("amended", _("已修改")),
        ],
        default="valid",
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("替代文件"),
    )
    gazette_issue = models.CharField(_("政府公报期号"), max_length=100, blank=True)
    legality_review = models.CharField(_("合法性审核编号"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("规范性文件")
        verbose_name_plural = _("规范性文件台账")
        ordering = ["organ", "-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "doc_number"], name="disclosure_normative_no")
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.doc_number}）"
