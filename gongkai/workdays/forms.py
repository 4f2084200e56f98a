from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.forms import DomainErrorFormMixin
from gongkai.core.forms import CleanTextForm
from gongkai.workdays.choices import DayKind


class NoticeForm(DomainErrorFormMixin):
    text = forms.CharField(
        label=_("通知全文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("粘贴《国务院办公厅关于XXXX年部分节假日安排的通知》全文，或上传文件。"),
    )
    file = forms.FileField(label=_("或上传文件（.txt / .docx）"), required=False)
    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("通知标题含年份时可留空。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("file"):
            self.add_error("text", _("请粘贴通知全文或上传文件。"))
        return data


class CorrectDayForm(DomainErrorFormMixin):
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=_("更正为"),
        choices=[("", _("普通日（按周一至周五上班）")), *DayKind.choices],
        required=False,
    )
    name = forms.CharField(label=_("节日名称"), max_length=50, required=False)
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class CalculatorForm(CleanTextForm):
    start = forms.DateField(
        label=_("起算日（如收到申请之日）"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    n = forms.IntegerField(label=_("工作日数"), min_value=1, max_value=366, initial=20)
