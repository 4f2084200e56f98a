"""Forms of the work-plan tracker."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.forms import DomainErrorFormMixin
from gongkai.accounts.models import Organ, Unit, UnitGroup
from gongkai.workplan.choices import CycleKind, ReportStatus
from gongkai.workplan.models import Category, Cycle, Plan


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PlanUploadForm(DomainErrorFormMixin):
    file = forms.FileField(
        label=_("方案文件"),
        required=False,
        help_text=_("支持 .docx、.xlsx、.txt、.md，不超过 20 MB。"),
    )
    text = forms.CharField(
        label=_("或粘贴方案全文"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("text", "").strip():
            self.add_error("file", _("请上传方案文件或粘贴全文。"))
        return data


def unit_choices(organ: Organ) -> list[tuple[str, str]]:
    units = [(f"unit:{u.pk}", u.name) for u in Unit.objects.filter(organ=organ, is_active=True)]
    groups = [
        (f"group:{g.pk}", _("（单位组）") + g.name)
        for g in UnitGroup.objects.filter(organ=organ, is_active=True)
    ]
    return units + groups


def parse_target(value: str, organ: Organ) -> Unit | UnitGroup | None:
    kind, _sep, pk = value.partition(":")
    if not pk.isdigit():
        return None
    model = Unit if kind == "unit" else UnitGroup if kind == "group" else None
    return model.objects.filter(organ=organ, pk=int(pk)).first() if model else None


class MappingForm(DomainErrorFormMixin):
    cycle_kind = forms.ChoiceField(
        label=_("报送周期"), choices=CycleKind.choices[:2], initial=CycleKind.QUARTERLY
    )

    def __init__(self, *args: Any, organ: Organ, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = unit_choices(organ)
        self.names = names
        for index, name in enumerate(names):
            self.fields[f"map_{index}"] = forms.ChoiceField(
                label=name,
                choices=[
                    ("", _("请选择对应的单位")),
                    ("new", _("新建单位“%(n)s”") % {"n": name}),
                    *options,
                ],
                help_text=_("选择已有单位后，该名称将记为别名，明年的方案可自动识别。"),
            )

    def mapping(self, organ: Organ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for index, name in enumerate(self.names):
            value = self.cleaned_data.get(f"map_{index}", "")
            result[name] = "new" if value == "new" else parse_target(value, organ)
        return result


class ReportForm(DomainErrorFormMixin):
    unit = forms.ChoiceField(label=_("报送单位"))
    cycle = forms.ModelChoiceField(label=_("报送周期"), queryset=Cycle.objects.none())
    status = forms.ChoiceField(label=_("进展状态"), choices=ReportStatus.choices)
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 5}))
    urls = forms.CharField(
        label=_("佐证链接（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(
        label=_("佐证附件"), required=False, help_text=_("可多选；文件类型按内容识别。")
    )

    def __init__(self, *args: Any, units: list[Unit], plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)  # noqa: S101
        unit_field.choices = [(str(u.pk), u.name) for u in units]
        cycle_field = self.fields["cycle"]
        assert isinstance(cycle_field, forms.ModelChoiceField)  # noqa: S101
        cycle_field.queryset = plan.cycles.all()

    def clean_urls(self) -> list[str]:
        urls = [u.strip() for u in self.cleaned_data.get("urls", "").splitlines() if u.strip()]
        validator = forms.URLField(assume_scheme="https")
        return [validator.clean(u) for u in urls]


class ReviewForm(DomainErrorFormMixin):
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=500)


class TaskForm(DomainErrorFormMixin):
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=Category.objects.none(), required=False
    )
    title = forms.CharField(label=_("工作任务"), required=False, max_length=300)
    requirement = forms.CharField(label=_("具体要求"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline_text = forms.CharField(
        label=_("完成时限"),
        required=False,
        max_length=200,
        help_text=_("如：年底前、6月底前、2019年9月30日前、持续推进"),
    )
    lead = forms.MultipleChoiceField(label=_("牵头单位"), required=False)
    co = forms.MultipleChoiceField(label=_("配合单位"), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)  # noqa: S101
        category.queryset = plan.categories.all()
        options = unit_choices(plan.organ)
        for name in ("lead", "co"):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
            field.choices = options


class ReasonForm(DomainErrorFormMixin):
    reason = forms.CharField(label=_("原因"), max_length=200)


class SplitForm(DomainErrorFormMixin):
    parts = forms.CharField(
        label=_("拆分后的各项要求（每行一项）"), widget=forms.Textarea(attrs={"rows": 4})
    )
