"""Information requests: the application, its receipt, its clock and its outcome."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.uploads import RandomUploadTo
from gongkai.foi.choices import (
    ApplicantType,
    AttachmentPurpose,
    Channel,
    ConsultationKind,
    Delivery,
    DeliveryMethod,
    FeeMethod,
    IdType,
    LetterKind,
    Opinion,
    Outcome,
    ProvisionForm,
    Recipient,
    ReplyStage,
    RequestStatus,
)

NO_DUE_DATE = dt.date(9999, 12, 31)


class InfoRequest(models.Model):
    organ = models.ForeignKey(
        "accounts.Organ",
        on_delete=models.PROTECT,
        related_name="info_requests",
        verbose_name=_("机关"),
    )
    number = models.CharField(_("申请编号"), max_length=30, unique=True)
    query_code_hash = models.CharField(max_length=64)
    submit_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    submit_ip = models.CharField(max_length=45, blank=True, db_index=True)
    applicant_type = models.CharField(_("申请人类型"), max_length=20, choices=ApplicantType.choices)
    name = models.CharField(_("姓名或名称"), max_length=200)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=50)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    info_title = models.CharField(_("所需信息的名称"), max_length=300)
    info_doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    info_description = models.TextField(_("其他特征描述"), blank=True)
    provision_form = models.CharField(_("提供形式"), max_length=20, choices=ProvisionForm.choices)
    delivery = models.CharField(_("获取方式"), max_length=20, choices=Delivery.choices)
    channel = models.CharField(_("申请渠道"), max_length=20, choices=Channel.choices)
    arrived_at = models.DateTimeField(_("到达时间"))
    receipt_on = models.DateField(_("收到申请之日"), null=True, blank=True)
    # 第三十一条: a plain letter is confirmed on the day it arrives; a later confirmation is kept
    # with its reason, but never moves the day of receipt (services.confirm_receipt).
    receipt_confirmed_on = models.DateField(_("确认收到之日"), null=True, blank=True)
    receipt_late_reason = models.CharField(_("未当日确认的原因"), max_length=300, blank=True)
    clock = models.OneToOneField(
        "workdays.Clock",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="info_request",
    )
    handling_unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办单位"),
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.AWAITING_RECEIPT,
        db_index=True,
    )
    clarification_sent_on = models.DateField(_("补正告知日期"), null=True, blank=True)
    clarification_due_on = models.DateField(_("补正期限"), null=True, blank=True)
    # Set when the period was given in working days: the due date is then counted from the
    # notice's date and follows the calendar (deadlines.clarification_due_on).
    clarification_days = models.PositiveSmallIntegerField(
        _("补正期限（工作日）"), null=True, blank=True
    )
    clarification_request = models.TextField(_("需要补正的内容"), blank=True)
    clarification_text = models.TextField(_("申请人补正内容"), blank=True)
    outcome = models.CharField(_("办理结果"), max_length=5, choices=Outcome.choices, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The queue's copy of the status and the clock, kept by services.save_request and by the
    # clock recompute, so that the queue reads one table along one index (organ, open, due).
    is_open = models.BooleanField(default=True)
    queue_due_on = models.DateField(default=NO_DUE_DATE)
    queue_provisional = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-arrived_at"]
        indexes = [
            models.Index(fields=["organ", "status", "-arrived_at"]),
            # Partial indexes: a boolean filter is a bare column in SQLite's SQL ("is_open"),
            # which can select a partial index but not an index column.
            models.Index(
                fields=["organ", "queue_due_on", "id"],
                name="foi_queue_open_due",
                condition=models.Q(is_open=True),
            ),
            models.Index(
                fields=["organ", "queue_due_on", "id"],
                name="foi_queue_provisional_due",
                condition=models.Q(is_open=True, queue_provisional=True),
            ),
            models.Index(
                fields=["handling_unit", "queue_due_on", "id"],
                name="foi_queue_unit_due",
                condition=models.Q(is_open=True),
            ),
            models.Index(fields=["organ", "id_number", "arrived_at"], name="foi_applicant_month"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def due_on(self) -> dt.date | None:
        """The due date as the queue stores it (None while the clock is paused or not started)."""
        return None if self.queue_due_on == NO_DUE_DATE else self.queue_due_on

    @property
    def masked_name(self) -> str:
        """A natural person's name as lists show it (the surname); organisations in full."""
        if self.applicant_type != ApplicantType.NATURAL:
            return self.name
        return self.name[:1] + "*" * max(len(self.name) - 1, 1)

    @property
    def masked_id(self) -> str:
        """The ID number as lists show it: the first and last characters only."""
        n = self.id_number
        return n[:3] + "*" * max(len(n) - 7, 0) + n[-4:] if len(n) > 7 else "****"


class ReplyDraft(models.Model):
    """A reply that discloses information (公开, 部分公开), drafted by the handler and sent only
    after 保密审查 and the leader's 签发 (条例 第十七条; RULES §2.2). Returned drafts are kept."""

    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="drafts")
    outcome = models.CharField(_("办理结果"), max_length=5, choices=Outcome.choices)
    text = models.TextField(_("答复内容"))
    stage = models.CharField(
        _("审签环节"), max_length=10, choices=ReplyStage.choices, default=ReplyStage.REVIEW
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    drafted_on = models.DateField(_("拟稿日期"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    review_opinion = models.TextField(_("保密审查意见"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(stage__in=["review", "sign"]),
                name="foi_one_pending_reply_draft",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.outcome}"


class RequestAttachment(models.Model):
    """An applicant's file (ID copy, authorisation). Uploaded with the public form, it is kept
    against the form's submit token until the application is created, so that an error elsewhere
    on the form does not make the applicant upload it again."""

    request = models.ForeignKey(
        InfoRequest,
        on_delete=models.PROTECT,
        related_name="attachments",
        null=True,
        blank=True,
    )
    submit_token = models.CharField(max_length=64, blank=True, db_index=True)
    submit_ip = models.CharField(max_length=45, blank=True)
    purpose = models.CharField(_("用途"), max_length=50, choices=AttachmentPurpose.choices)
    file = models.FileField(upload_to=RandomUploadTo("foi"))
    original_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    def __str__(self) -> str:
        return self.original_name


class Consultation(models.Model):
    """A written consultation of a third party (第三十二条) or another organ (第三十四条)."""

    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("征求对象类型"), max_length=20, choices=ConsultationKind.choices)
    party = models.CharField(_("征求意见对象"), max_length=200)
    party_address = models.CharField(_("对象地址或联系方式"), max_length=300, blank=True)
    question = models.TextField(_("征求意见的内容"))
    sent_on = models.DateField(_("发出日期"))
    answer_due_on = models.DateField(_("答复期限"))
    answered_on = models.DateField(_("收到意见或期满之日"), null=True, blank=True)
    opinion = models.CharField(_("意见"), max_length=10, choices=Opinion.choices, blank=True)
    opinion_text = models.TextField(_("意见内容"), blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.party


class FeeNotice(models.Model):
    """A 收费通知 under 国办函〔2020〕109号; the time until payment is excluded from the clock."""

    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="fees")
    method = models.CharField(_("收费方式"), max_length=10, choices=FeeMethod.choices)
    month_count = models.PositiveIntegerField(_("本月累计申请件数"), default=0)
    pages = models.PositiveIntegerField(_("页数"), default=0)
    amount = models.PositiveIntegerField(_("金额（元）"))
    breakdown = models.CharField(_("计算过程"), max_length=300)
    payment_method = models.CharField(_("缴纳方式"), max_length=300)
    sent_on = models.DateField(_("通知日期"))
    pay_due_on = models.DateField(_("缴费期限"))
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    lapsed_on = models.DateField(_("逾期未缴费处理日期"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.amount}"


class Letter(models.Model):
    """A letter generated from a template as .docx; its text is kept as it was sent."""

    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("文书"), max_length=20, choices=LetterKind.choices)
    serial = models.PositiveSmallIntegerField(_("序号"), default=1)
    template_key = models.CharField(max_length=30)
    recipient = models.CharField(_("受送达人"), max_length=20, choices=Recipient.choices)
    recipient_name = models.CharField(_("受送达人名称"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    file = models.FileField(upload_to=RandomUploadTo("foi-letters"))
    issued_on = models.DateField(_("落款日期"))
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    fee = models.ForeignKey(
        FeeNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    delivery_method = models.CharField(
        _("送达方式"), max_length=20, choices=DeliveryMethod.choices, blank=True
    )
    sent_on = models.DateField(_("发出日期"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_ref = models.CharField(_("邮件单号或说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "serial"], name="foi_letter_serial")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return f"{self.request.number}-{self.get_kind_display()}.docx"


class LetterTemplate(models.Model):
    """An organ's own wording of one letter; without one the built-in default is used."""

    organ = models.ForeignKey("accounts.Organ", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(_("文书模板"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organ", "key"], name="foi_one_template_per_key")
        ]

    def __str__(self) -> str:
        return self.key


class LetterSettings(models.Model):
    """What every letter of an organ names: the office, its address, the court, and how each
    outcome's remedies clause reads. The 行政复议机关 is the organ's own setting
    (``Organ.review_kind`` and the bodies' names; ``accounts.remedies``)."""

    organ = models.OneToOneField(
        "accounts.Organ", on_delete=models.PROTECT, related_name="foi_letter_settings"
    )
    office = models.CharField(_("政府信息公开工作机构"), max_length=200, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    phone = models.CharField(_("联系电话"), max_length=100, blank=True)
    court = models.CharField(
        _("管辖法院"), max_length=200, blank=True, help_text=_("留空则写“有管辖权的人民法院”。")
    )
    payment_method = models.CharField(_("缴费方式"), max_length=300, blank=True)
    # {outcome: RemedyMode} where the organ departs from letters.DEFAULT_REMEDY_MODES.
    remedy_modes = models.JSONField(_("各办理结果的救济途径"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.organ_id)
