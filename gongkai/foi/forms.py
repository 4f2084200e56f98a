"""Forms of information requests: the public application (with a local challenge)."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.forms import DomainErrorFormMixin
from gongkai.core.forms import CleanTextMixin
from gongkai.foi.choices import ApplicantType, Channel, Delivery, IdType, Outcome, ProvisionForm
from gongkai.foi.models import LetterSettings

CHALLENGE_SALT = "gongkai.foi.challenge"
CHALLENGE_MAX_AGE = 3600


def new_challenge() -> tuple[str, str]:
    """A sum to solve, and its signed answer: no outside service, no state on the server."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return f"{a} + {b}", signing.dumps([a, b], salt=CHALLENGE_SALT)


def _read_challenge(token: str) -> tuple[str, int]:
    """The sum a token stands for and its answer; raises BadSignature when forged or expired."""
    a, b = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    return f"{int(a)} + {int(b)}", int(a) + int(b)


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
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如形成时间、发文机关等便于查找的特征。"),
    )
    provision_form = forms.ChoiceField(label=_("提供形式"), choices=ProvisionForm.choices)
    delivery = forms.ChoiceField(label=_("获取方式"), choices=Delivery.choices)


class ApplicationForm(ApplicantForm):
    id_copy = forms.FileField(
        label=_("身份证明"),
        required=False,
        help_text=_("身份证件或营业执照的扫描件、照片（PDF、JPG、PNG，10 MB 以内）。"),
    )
    authorization = forms.FileField(
        label=_("授权委托书"), required=False, help_text=_("委托他人代为申请时提供。")
    )
    challenge_answer = forms.IntegerField(label=_("验证：请计算"), min_value=0, max_value=99)
    challenge_token = forms.CharField(widget=forms.HiddenInput)
    submit_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            question, token = new_challenge()
            self._ask(question)
            self.initial.update(challenge_token=token, submit_token=secrets.token_urlsafe(24))
        else:  # show the same sum again, so a mistake elsewhere does not hide the question
            try:
                question, _answer = _read_challenge(str(self.data.get("challenge_token", "")))
            except (signing.BadSignature, TypeError, ValueError):
                return  # the plain label; clean() replaces the expired sum with a new one
            self._ask(question)

    def _ask(self, question: str) -> None:
        self.fields["challenge_answer"].label = _("验证：请计算 %(q)s =") % {"q": question}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        token = data.get("challenge_token", "")
        try:
            _question, expected = _read_challenge(token)
        except (signing.BadSignature, TypeError, ValueError):
            self.add_error("challenge_answer", _("验证已过期，请重新计算下面的算式。"))
            self._refresh_challenge()
            return data
        if data.get("challenge_answer") != expected:
            self.add_error("challenge_answer", _("计算结果不正确，请重新计算。"))
            self._refresh_challenge()
        return data

    def _refresh_challenge(self) -> None:
        question, token = new_challenge()
        self._ask(question)
        data = dict(self.data.items())
        data["challenge_token"] = token
        data["challenge_answer"] = ""
        self.data = data


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
