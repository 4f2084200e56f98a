from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.core.selectors import AuditFilter


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("操作"), required=False, max_length=100, help_text=_("前缀匹配，如 accounts.login")
    )
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    text = forms.CharField(label=_("关键词"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def to_filter(self) -> AuditFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return AuditFilter(
            action=data.get("action") or "",
            actor=data.get("actor") or "",
            object_type=data.get("object_type") or "",
            text=data.get("text") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
