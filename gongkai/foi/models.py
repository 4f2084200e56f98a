"""Information requests: the application, its receipt, its clock and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.core.uploads import RandomUploadTo
from gongkai.foi.choices import (
    ApplicantType,
    Channel,
    Delivery,
    IdType,
    Outcome,
    ProvisionForm,
    RequestStatus,
)


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
    clarification_request = models.TextField(_("需要补正的内容"), blank=True)
    clarification_text = models.TextField(_("申请人补正内容"), blank=True)
    outcome = models.CharField(_("办理结果"), max_length=5, choices=Outcome.choices, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-arrived_at"]
        indexes = [models.Index(fields=["organ", "status", "-arrived_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_id(self) -> str:
        """The ID number as lists show it: the first and last characters only."""
        n = self.id_number
        return n[:3] + "*" * max(len(n) - 7, 0) + n[-4:] if len(n) > 7 else "****"


class RequestAttachment(models.Model):
    request = models.ForeignKey(InfoRequest, on_delete=models.PROTECT, related_name="attachments")
    purpose = models.CharField(_("用途"), max_length=50)
    file = models.FileField(upload_to=RandomUploadTo("foi"))
    original_name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=120)

    def __str__(self) -> str:
        return self.original_name
