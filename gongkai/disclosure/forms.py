"""Forms of proactive disclosure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.forms import DomainErrorFormMixin
from gongkai.accounts.models import Organ, Unit
from gongkai.disclosure.choices import (
    InterpretationForm,
    ItemKind,
    ItemStatus,
    ReviewDecision,
    Validity,
)
from gongkai.disclosure.models import CatalogueNode, DisclosureItem
from gongkai.disclosure.structured import DETAIL_FIELDS


class ItemForm(DomainErrorFormMixin):
    title = forms.CharField(label=_("名称"), max_length=300)
    kind = forms.ChoiceField(label=_("类型"), choices=ItemKind.choices)
    node = forms.ModelChoiceField(label=_("目录栏目"), queryset=CatalogueNode.objects.none())
    unit = forms.ModelChoiceField(label=_("发布机构"), queryset=Unit.objects.none())
    topic = forms.CharField(
        label=_("主题分类"), max_length=100, required=False, help_text=_("如：综合政务\\政务公开")
    )
    doc_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    subject_words = forms.CharField(label=_("主题词"), max_length=200, required=False)
    written_on = forms.DateField(
        label=_("成文日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    formed_on = forms.DateField(
        label=_("信息形成日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("自该日起 20 个工作日内应当公开（条例第二十六条）。"),
    )
    summary = forms.CharField(
        label=_("内容概述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("可直接输入文字（空行分段），或粘贴简单的 HTML。"),
    )
    needs_interpretation = forms.BooleanField(label=_("需解读（政策文件）"), required=False)
    interprets = forms.ModelChoiceField(
        label=_("所解读的政策文件"), required=False, queryset=DisclosureItem.objects.none()
    )

    def __init__(
        self,
        *args: Any,
        organ: Organ,
        units: Any,
        kind: str = "general",
        policies: Any = None,
        revising: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item_kind = kind
        if revising:  # 条例 第二十六条: a revision is due N working days after the change
            self.fields["changed_on"] = forms.DateField(
                label=_("信息变更日期"),
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text=_("本次修订所反映的信息变更之日；自该日起 20 个工作日内应当公开。"),
            )
        self.fields["kind"].initial = kind
        self.fields["kind"].disabled = True  # chosen before the form: it decides the fields
        if kind == ItemKind.INTERPRETATION:
            self.fields["interpretation_form"] = forms.ChoiceField(
                label=_("解读形式"), choices=InterpretationForm.choices
            )
            self.fields["qa"] = forms.CharField(
                label=_("简明问答"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=_("每行以“问：”或“答：”开头；回答可以换行续写。"),
            )
        else:
            del self.fields["interprets"]
        if kind != ItemKind.POLICY:
            del self.fields["needs_interpretation"]
        for key, label, kind_of, required in DETAIL_FIELDS.get(kind, []):
            name = f"detail_{key}"
            if kind_of.startswith("choice:"):
                options = kind_of[7:].split("|")
                self.fields[name] = forms.ChoiceField(
                    label=label, required=required, choices=[(o, o) for o in options]
                )
            elif kind_of == "date":
                self.fields[name] = forms.DateField(
                    label=label,
                    required=required,
                    widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                )
            else:
                self.fields[name] = forms.CharField(label=label, required=required, max_length=500)
        for name, queryset in (
            ("node", CatalogueNode.objects.filter(organ=organ, is_active=True)),
            ("unit", units),
            (
                "interprets",
                policies if policies is not None else DisclosureItem.objects.none(),
            ),
        ):
            if name not in self.fields:
                continue
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
            field.queryset = queryset

    def service_fields(self) -> dict[str, Any]:
        """The cleaned data as the disclosure services take it (details, Q&A pairs)."""
        from gongkai.disclosure.structured import parse_qa

        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if not k.startswith("detail_") and k not in ("qa", "kind")
        }
        data["kind"] = self.item_kind
        if self.item_kind in DETAIL_FIELDS:
            data["details"] = {
                key: (v.isoformat() if hasattr(v, "isoformat") else v)
                for key, *_rest in DETAIL_FIELDS[self.item_kind]
                if (v := self.cleaned_data.get(f"detail_{key}")) not in (None, "")
            }
        if self.item_kind == ItemKind.INTERPRETATION:
            data["qa_pairs"] = parse_qa(self.cleaned_data.get("qa", ""))
        return data

    def clean_body(self) -> str:
        body = str(self.cleaned_data.get("body", "")).strip()
        if body and "<" not in body:
            paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
            body = "".join("<p>" + p.replace("\n", "<br>") + "</p>" for p in paragraphs)
        return body


class AttachmentForm(DomainErrorFormMixin):
    file = forms.FileField(label=_("附件"))
    alt_text = forms.CharField(label=_("替代文本（图片必填）"), max_length=200, required=False)


class ReviewForm(DomainErrorFormMixin):
    decision = forms.ChoiceField(label=_("保密审查意见"), choices=ReviewDecision.choices)
    basis = forms.CharField(
        label=_("法律依据"),
        max_length=300,
        required=False,
        help_text=_("部分公开、不予公开时必填，如：条例第十四条、第十五条"),
    )


class ReasonForm(DomainErrorFormMixin):
    reason = forms.CharField(label=_("原因"), max_length=300)


class ValidityForm(DomainErrorFormMixin):
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices)
    replaced_by = forms.ModelChoiceField(
        label=_("替代文件"), required=False, queryset=DisclosureItem.objects.none()
    )

    def __init__(self, *args: Any, organ: Organ, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["replaced_by"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = DisclosureItem.objects.filter(organ=organ, status=ItemStatus.PUBLISHED)


class PowerUploadForm(DomainErrorFormMixin):
    file = forms.FileField(
        label=_("权责清单（.xlsx）"),
        help_text=_(
            "表头须包含：事项名称、职权类别、设定依据、实施主体；可含事项编码、责任事项、追责情形。"
        ),
    )


class GuideForm(DomainErrorFormMixin):
    classification = forms.CharField(
        label=_("政府信息的分类、编排体系"), widget=forms.Textarea(attrs={"rows": 3})
    )
    how_to_obtain = forms.CharField(label=_("获取方式"), widget=forms.Textarea(attrs={"rows": 3}))
    how_to_apply = forms.CharField(
        label=_("依申请公开的申请方式与处理流程"), widget=forms.Textarea(attrs={"rows": 4})
    )
    office_name = forms.CharField(label=_("工作机构名称"), max_length=100)
    address = forms.CharField(label=_("办公地址"), max_length=200)
    office_hours = forms.CharField(label=_("办公时间"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=50)
    fax = forms.CharField(label=_("传真号码"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    website = forms.URLField(label=_("互联网联系方式"), required=False, assume_scheme="https")
    remedies = forms.CharField(
        label=_("监督和救济渠道"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NormativeForm(DomainErrorFormMixin):
    title = forms.CharField(label=_("文件名称"), max_length=300)
    doc_number = forms.CharField(label=_("文号"), max_length=100)
    registration_no = forms.CharField(label=_("登记号"), max_length=100, required=False)
    drafting_unit = forms.ModelChoiceField(label=_("起草单位"), queryset=Unit.objects.none())
    issued_on = forms.DateField(
        label=_("印发日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    effective_on = forms.DateField(
        label=_("施行日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    expires_on = forms.DateField(
        label=_("失效日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("留空按规定的有效期计算。"),
    )
    gazette_issue = forms.CharField(label=_("政府公报期号"), max_length=100, required=False)
    legality_review = forms.CharField(label=_("合法性审核编号"), max_length=100, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["drafting_unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = units


class DisclosureSettingsForm(DomainErrorFormMixin):
    is_other_form_required = forms.BooleanField(
        label=_("政策解读须有文字解读以外的形式"),
        required=False,
        help_text=_(
            "开启后，需解读的政策文件须至少有一份图表图解、音视频、简明问答、新闻发布会、"
            "H5 页面等文字解读以外形式的解读提交审查后，才能发布（政策解读多元化）。"
        ),
    )
