"""Forms of the staff workspace. Errors are shown beside their field, in Chinese."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.choices import ReviewKind, Role, UnitKind
from gongkai.accounts.models import Organ, Unit, User
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.errors import DomainError
from gongkai.core.forms import CleanTextForm


class DomainErrorFormMixin(CleanTextForm):
    """Attach a service's ``DomainError`` to the field it names, or to the whole form (input
    normalised by ``CleanTextForm``)."""

    def add_domain_error(self, error: DomainError) -> None:
        field = error.details.get("field")
        self.add_error(field if field in self.fields else None, error.message)


class LoginForm(DomainErrorFormMixin):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(DomainErrorFormMixin):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PasswordForm(DomainErrorFormMixin):
    password = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("确认新密码"), strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class UnitForm(DomainErrorFormMixin):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Unit.objects.none(), required=False
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args: Any, organ: Organ, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)  # noqa: S101
        parent.queryset = Unit.objects.filter(organ=organ, is_active=True)


class UnitContactForm(DomainErrorFormMixin):
    phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)


class TokenForm(DomainErrorFormMixin):
    name = forms.CharField(label=_("用途"), max_length=100)
    expires_on = forms.DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("留空表示长期有效，可随时吊销。"),
    )


class _RoleFieldsMixin(DomainErrorFormMixin):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("所属单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("科室编辑必须指定；可多选。编辑可代表所选单位及其下级单位。"),
    )

    def _limit_units(self, organ: Organ) -> None:
        units = self.fields["units"]
        assert isinstance(units, forms.ModelMultipleChoiceField)  # noqa: S101
        units.queryset = Unit.objects.filter(organ=organ, is_active=True)


class NewUserForm(_RoleFieldsMixin):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("电话"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("至少 10 位，包含大小写字母、数字、符号中的至少 3 类。"),
    )

    field_order = ["username", "display_name", "phone", "email", "password", "role", "units"]

    def __init__(self, *args: Any, organ: Organ, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_units(organ)


class GrantRoleForm(_RoleFieldsMixin):
    user = forms.ModelChoiceField(label=_("用户"), queryset=User.objects.none())

    field_order = ["user", "role", "units"]

    def __init__(self, *args: Any, organ: Organ, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_units(organ)
        user = self.fields["user"]
        assert isinstance(user, forms.ModelChoiceField)  # noqa: S101
        user.queryset = User.objects.filter(memberships__organ=organ, is_active=True).distinct()


class DeactivateUserForm(DomainErrorFormMixin):
    reason = forms.CharField(label=_("停用原因"), max_length=200)


class OrganForm(DomainErrorFormMixin):
    name = forms.CharField(label=_("机关名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=50, required=False)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"), max_length=18, validators=[validate_credit_code]
    )
    index_prefix = forms.CharField(
        label=_("索引号前缀"),
        max_length=40,
        required=False,
        help_text=_("留空时使用统一社会信用代码。"),
    )
    address = forms.CharField(label=_("办公地址"), max_length=200, required=False)
    postcode = forms.RegexField(
        label=_("邮政编码"),
        regex=r"^\d{6}$",
        required=False,
        error_messages={"invalid": _("邮政编码应为 6 位数字。")},
    )
    phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    fax = forms.CharField(label=_("传真"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    website = forms.URLField(label=_("网站"), required=False, assume_scheme="https")
    office_hours = forms.CharField(label=_("办公时间"), max_length=200, required=False)
    review_kind = forms.ChoiceField(
        label=_("行政复议类型"),
        choices=ReviewKind.choices,
        help_text=_(
            "决定答复告知书和公开指南写明的行政复议机关（行政复议法第二十四条至第二十八条）。"
        ),
    )
    level_government = forms.CharField(
        label=_("本级人民政府"),
        max_length=100,
        required=False,
        help_text=_("例如：中山市人民政府。留空时使用上级机关的名称。"),
    )
    superior_body = forms.CharField(
        label=_("上一级机关"),
        max_length=100,
        required=False,
        help_text=_("上一级司法行政部门、上一级主管部门或上一级人民政府，例如：广东省司法厅。"),
    )
    review_body = forms.CharField(
        label=_("行政复议机关（自定写法）"),
        max_length=200,
        required=False,
        help_text=_("留空时按以上各项生成；填写则原样写入文书和公开指南。"),
    )


class LogoForm(DomainErrorFormMixin):
    logo = forms.FileField(label=_("标志图片"), help_text=_("PNG、JPG、GIF 或 WebP，不超过 5 MB。"))
