"""Users, organs (机关), units (单位) and their groups, roles, API tokens."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.accounts.choices import ReviewKind, Role, UnitKind
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.uploads import RandomUploadTo


class User(AbstractUser):
    """A staff member. Roles are held per organ through ``Membership``."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=50, blank=True)
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    totp_secret = models.CharField(_("动态口令密钥"), max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("动态口令启用时间"), null=True, blank=True)
    totp_last_step = models.BigIntegerField(null=True, blank=True, editable=False)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def has_totp(self) -> bool:
        return self.totp_confirmed_at is not None

    def is_locked(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.locked_until is not None and self.locked_until > now


class Organ(models.Model):
    """A government organ (机关). Every domain object belongs to one.

    ``supervisor`` is the organ whose 公开办 oversees this one (a city government over its
    departments); coordinators of a supervisor see the organs below it.
    """

    name = models.CharField(_("机关名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    index_prefix = models.CharField(
        _("索引号前缀"),
        max_length=40,
        blank=True,
        help_text=_("用于生成索引号；留空时使用统一社会信用代码。"),
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised",
        verbose_name=_("上级机关"),
    )
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    fax = models.CharField(_("传真"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    website = models.URLField(_("网站"), blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    # Who reviews this organ's acts (行政复议法 2023 第二十四条–第二十八条): named in every
    # letter's remedies clause and in the 公开指南 (see ``accounts.remedies``).
    review_kind = models.CharField(
        _("行政复议类型"),
        max_length=20,
        choices=ReviewKind.choices,
        default=ReviewKind.DEPARTMENT,
    )
    level_government = models.CharField(
        _("本级人民政府"),
        max_length=100,
        blank=True,
        help_text=_("例如：中山市人民政府。留空时使用上级机关的名称。"),
    )
    superior_body = models.CharField(
        _("上一级机关"),
        max_length=100,
        blank=True,
        help_text=_("上一级司法行政部门、上一级主管部门或上一级人民政府，例如：广东省司法厅。"),
    )
    review_body = models.CharField(
        _("行政复议机关（自定写法）"),
        max_length=200,
        blank=True,
        help_text=_("留空时按行政复议法由以上各项生成；填写则原样写入文书和公开指南。"),
    )
    logo = models.FileField(_("标志"), upload_to=RandomUploadTo("organ-logos"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("机关")
        verbose_name_plural = _("机关")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def index_code(self) -> str:
        return self.index_prefix or self.credit_code


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def of_organ(self, organ: Organ) -> UnitQuerySet:
        return self.filter(organ=organ)


class Unit(models.Model):
    """A unit (单位) within an organ: a division, an office, an affiliated institution."""

    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, related_name="units", verbose_name=_("机关")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["organ", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "name"], name="accounts_unit_unique_name"),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="accounts_unit_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_ids(self) -> list[int]:
        """Return the ids of the units above this one, nearest first."""
        ids: list[int] = []
        node = self.parent
        while node is not None and node.pk not in ids:
            ids.append(node.pk)
            node = node.parent
        return ids


class UnitGroup(models.Model):
    """A name that stands for several units (业务科室, 各科室, 局机关各科室 …), never a fake unit.

    Members are the explicit ``members`` plus every active unit whose kind is in ``member_kinds``,
    so a new division joins 业务科室 without anyone editing the group.
    """

    organ = models.ForeignKey(
        Organ, on_delete=models.PROTECT, related_name="unit_groups", verbose_name=_("机关")
    )
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    member_kinds = models.JSONField(_("按类型包含"), default=list, blank=True)
    members = models.ManyToManyField(
        Unit, blank=True, related_name="groups", verbose_name=_("成员单位")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        ordering = ["organ", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organ", "name"], name="accounts_unitgroup_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def resolve(self) -> UnitQuerySet:
        """Return the active units this group stands for."""
        kinds = [k for k in self.member_kinds if k in UnitKind.values]
        return (
            Unit.objects.filter(organ_id=self.organ_id, is_active=True)
            .filter(models.Q(kind__in=kinds) | models.Q(groups=self))
            .distinct()
        )


class UnitAlias(models.Model):
    """Another name for a unit or a group, as plans write it (公职所, 市法援处, 业务部门 …).

    Aliases share one namespace per organ with unit and group names, so a name resolves to one
    thing only. Plan imports add aliases when a coordinator maps an unknown name.
    """

    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="unit_aliases")
    alias = models.CharField(_("别名"), max_length=100)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="aliases"
    )

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        constraints = [
            models.UniqueConstraint(fields=["organ", "alias"], name="accounts_alias_unique"),
            models.CheckConstraint(
                condition=(
                    models.Q(unit__isnull=False, group__isnull=True)
                    | models.Q(unit__isnull=True, group__isnull=False)
                ),
                name="accounts_alias_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.alias


class Membership(models.Model):
    """A user's role in an organ; for editors, the units they act for."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organ = models.ForeignKey(Organ, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    units = models.ManyToManyField(Unit, blank=True, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organ", "role"], name="accounts_membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organ} · {self.get_role_display()}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: Any = None) -> ApiTokenQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Throttle(models.Model):
    """Failed attempts counted under one key — a client address, a username nobody has, a
    request number — for lock-outs and throttles (等保 2.0; ``accounts.throttle``)."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key
