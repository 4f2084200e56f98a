"""Demo organ of the reference plan: 中山市司法局, its units and one user per role.

The units are the ones the 2019 division plan names (../shared/seeds/); full names that the plan
abbreviates are given with the abbreviation as short name or alias. The credit code is a valid
but fictitious one.
"""

from __future__ import annotations

from django.db import transaction

from gongkai.accounts import services
from gongkai.accounts.choices import Role, UnitKind
from gongkai.accounts.models import Organ, Unit, User
from gongkai.core.actors import SYSTEM
from gongkai.core.demo import DemoContext

DEMO_PASSWORD = "Zhongshan#2019"  # noqa: S105 - printed for the demo on purpose

ORGAN = {
    "name": "中山市司法局",
    "short_name": "市司法局",
    "credit_code": "11442000007350120H",
    "address": "广东省中山市东区示例路 1 号",
    "postcode": "528400",
    "phone": "0760-00000000",
    "email": "gongkai@example.gov.cn",
    "office_hours": "工作日 8:30-12:00，14:30-17:30",
    # A 司法行政部门: reviewed by the city government or the province's justice department
    # (行政复议法 第二十八条).
    "review_kind": "justice",
    "level_government": "中山市人民政府",
    "superior_body": "广东省司法厅",
}

# name, short name, kind, aliases
UNITS: list[tuple[str, str, str, list[str]]] = [
    ("办公室", "", UnitKind.OFFICE, ["局办公室"]),
    ("人事警务科", "", UnitKind.SUPPORT, []),
    ("装备财务科", "装财科", UnitKind.SUPPORT, []),
    ("律师工作管理科", "", UnitKind.DIVISION, []),
    ("公共法律服务管理科", "", UnitKind.DIVISION, []),
    ("人民参与和促进法治科", "", UnitKind.DIVISION, []),
    ("普法和依法治理科", "", UnitKind.DIVISION, []),
    ("规范性文件审查科", "", UnitKind.DIVISION, []),
    ("市依法治市办秘书科", "", UnitKind.DIVISION, ["依法治市办秘书科"]),
    ("中山市社区矫正管理局", "社矫局", UnitKind.AFFILIATED, ["市社矫局"]),
    ("中山市法律援助处", "法援处", UnitKind.AFFILIATED, ["市法援处"]),
    ("中山市强制隔离戒毒所", "强戒所", UnitKind.AFFILIATED, ["市强戒所"]),
    ("中山市公职律师事务所", "公职所", UnitKind.AFFILIATED, ["市公职所"]),
    ("中山市公证处", "公证处", UnitKind.AFFILIATED, []),
    ("中山市律师协会秘书处", "律协", UnitKind.ASSOCIATION, ["市律协"]),
    ("中山市公证协会秘书处", "公协", UnitKind.ASSOCIATION, ["市公协"]),
    ("中山市司法鉴定协会秘书处", "司协", UnitKind.ASSOCIATION, ["市司协", "司协秘书处"]),
]

# name, member kinds, explicit member names, aliases
GROUPS: list[tuple[str, list[str], list[str], list[str]]] = [
    ("业务科室", [UnitKind.DIVISION], [], ["业务部门"]),
    ("局机关各科室", [UnitKind.OFFICE, UnitKind.DIVISION, UnitKind.SUPPORT], [], ["各科室"]),
    ("各公证处", [], ["中山市公证处"], []),
]

# username, display name, role, units (editors)
USERS: list[tuple[str, str, str, list[str]]] = [
    ("admin", "系统管理员", Role.ADMIN, []),
    ("coordinator", "公开办 李明", Role.COORDINATOR, []),
    ("editor", "律师工作管理科 王芳", Role.EDITOR, ["律师工作管理科"]),
    ("reviewer", "保密审查员 陈刚", Role.REVIEWER, []),
    ("leader", "分管局领导 张伟", Role.LEADER, []),
    ("auditor", "审计员 刘洋", Role.AUDITOR, []),
]


def logins() -> list[tuple[str, str, str]]:
    """Return (role label, username, password) of each demo user."""
    return [(str(Role(role).label), username, DEMO_PASSWORD) for username, _n, role, _u in USERS]


@transaction.atomic
def load(context: DemoContext) -> None:
    """Create (or complete) the demo organ, its units, groups and users."""
    organ = Organ.objects.filter(name=ORGAN["name"]).first()
    if organ is None:
        organ = services.create_organ(actor=SYSTEM, **ORGAN)
    units: dict[str, Unit] = {u.name: u for u in Unit.objects.filter(organ=organ)}
    for order, (name, short_name, kind, aliases) in enumerate(UNITS, start=1):
        if name not in units:
            units[name] = services.create_unit(
                organ,
                actor=SYSTEM,
                name=name,
                short_name=short_name,
                kind=kind,
                sort_order=order * 10,
                aliases=aliases,
            )
    existing_groups = set(organ.unit_groups.values_list("name", flat=True))
    for name, kinds, members, aliases in GROUPS:
        if name not in existing_groups:
            services.create_unit_group(
                organ,
                actor=SYSTEM,
                name=name,
                member_kinds=kinds,
                members=[units[m] for m in members],
                aliases=aliases,
            )
    for username, display_name, role, unit_names in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = services.create_user(
                actor=SYSTEM,
                organ=organ,
                username=username,
                password=DEMO_PASSWORD,
                display_name=display_name,
            )
        if role == Role.ADMIN and not user.is_superuser:
            user.is_superuser = True
            user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        services.grant_role(
            user, actor=SYSTEM, organ=organ, role=role, units=[units[n] for n in unit_names]
        )
        context.users[role] = user
    context.organ = organ
    context.stdout.write(f"已载入示例机关：{organ.name}（{len(units)} 个单位）\n")
