"""Forms of information requests: the public application, staff intake, replies, letters."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.forms import DomainErrorFormMixin
from gongkai.core.forms import CleanTextMixin
from gongkai.foi.choices import ApplicantType, Channel, Delivery, IdType, Outcome, ProvisionForm
from gongkai.foi.models import LetterSettings
from gongkai.foi.services import ATTACHMENT_POLICY, ATTACHMENT_TYPES


class ApplicantForm(DomainErrorFormMixin):
    """The applicant and the information sought: the same on the public form and at intake."""

    applicant_type = forms.ChoiceField(label=_("申请人类型"), choices=ApplicantType.choices)
    name = forms.CharField(label=_("姓名或名称"), max_length=200)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=50)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    info_title = forms.CharField(label=_("所需信息的名称"), max_length=300)
    info_doc_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    info_description = forms.CharField(
        label=_("其他特征描述"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如形成时间、发文机关等便于查找的特征。"),
    )
    provision_form = forms.ChoiceField(label=_("提供形式"), choices=ProvisionForm.choices)
    delivery = forms.ChoiceField(label=_("获取方式"), choices=Delivery.choices)


class ApplicationForm(ApplicantForm):
    """The public form. The challenge's question and its check live in the session
    (``gongkai.foi.challenge``): the view says whether it was passed, and which files were
    refused for their size while they arrived."""

    id_copy = forms.FileField(
        label=_("身份证明"),
        required=False,
        help_text=_("身份证件或营业执照的扫描件、照片（PDF、JPG、PNG，10 MB 以内）。"),
    )
    authorization = forms.FileField(
        label=_("授权委托书"), required=False, help_text=_("委托他人代为申请时提供。")
    )
    challenge_answer = forms.CharField(label=_("验证问题"), max_length=20, required=False)
    submit_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self,
        *args: Any,
        challenge_error: str = "",
        too_large: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.challenge_error = challenge_error
        self.too_large = [name for name in too_large if name in self.fields]
        limit = ATTACHMENT_POLICY.limit
        for name in ("id_copy", "authorization"):
            self.fields[name].widget.attrs.update(
                {
                    "accept": ",".join(f".{ext}" for ext in (*ATTACHMENT_TYPES, "jpeg")),
                    "data-max-bytes": str(limit),
                    "data-too-large": too_large_message(limit),
                }
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.challenge_error:
            self.add_error("challenge_answer", self.challenge_error)
        for name in self.too_large:
            self.add_error(name, too_large_message(ATTACHMENT_POLICY.limit))
        return data


def too_large_message(limit: int) -> str:
    """The message beside a file field whose file is over the limit (shown by the browser
    before the upload, and by the server when the file arrived anyway)."""
    return str(
        _("文件超过 %(limit)s，未能上传。请压缩或分页扫描后重新选择。")
        % {"limit": filesizeformat(limit)}
    )


class LookupForm(DomainErrorFormMixin):
    number = forms.CharField(label=_("申请编号"), max_length=30)
    code = forms.CharField(label=_("查询码"), max_length=20)


class IntakeForm(ApplicantForm):
    channel = forms.ChoiceField(
        label=_("申请渠道"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    arrived_on = forms.DateField(
        label=_("到达日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    receipt_on = forms.DateField(
        label=_("收到申请之日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("邮寄为签收之日；平常信函、传真为与申请人确认之日，未确认可留空。"),
    )

    receipt_reason = forms.CharField(
        label=_("未当日确认的原因"),
        max_length=300,
        required=False,
        help_text=_(
            "平常信函应在到达当日与申请人确认；晚于到达日确认的须说明原因，期限仍从到达日起算。"
        ),
    )

    # then the applicant's fields
    field_order = ["channel", "arrived_on", "receipt_on", "receipt_reason"]


class ReplyForm(DomainErrorFormMixin):
    outcome = forms.ChoiceField(label=_("办理结果"), choices=Outcome.choices)
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))


class LetterTemplateForm(DomainErrorFormMixin):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("每行一段；花括号中的占位符在生成文书时替换为申请的内容。"),
    )


class LetterSettingsForm(CleanTextMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LetterSettings
        fields = ["office", "address", "phone", "court", "payment_method"]
