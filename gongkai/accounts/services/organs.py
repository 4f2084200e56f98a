"""Organs (机关) and their units, groups and aliases; the organ's logo."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gongkai.accounts.choices import UnitKind
from gongkai.accounts.errors import (
    NameTaken,
)
from gongkai.accounts.models import (
    Organ,
    Unit,
    UnitAlias,
    UnitGroup,
)
from gongkai.accounts.permissions import Action, can, require
from gongkai.accounts.services.common import _require_platform_admin, _snapshot
from gongkai.accounts.validators import validate_credit_code
from gongkai.core.audit import diff_fields, record_event
from gongkai.core.errors import InvalidInput
from gongkai.core.uploads import IMAGE_POLICY

ORGAN_FIELDS = (
    "name",
    "short_name",
    "credit_code",
    "index_prefix",
    "address",
    "postcode",
    "phone",
    "fax",
    "email",
    "website",
    "office_hours",
    "review_kind",
    "level_government",
    "superior_body",
    "review_body",
)


UNIT_STRUCTURE_FIELDS = ("name", "short_name", "kind", "parent", "sort_order")


UNIT_CONTACT_FIELDS = ("phone", "email")


@transaction.atomic
def create_organ(*, actor: Any, name: str, credit_code: str, **fields: Any) -> Organ:
    """Create an organ (机关); only a platform administrator may."""
    _require_platform_admin(actor)
    credit_code = credit_code.strip().upper()
    try:
        validate_credit_code(credit_code)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], details={"field": "credit_code"}) from None
    if Organ.objects.filter(Q(name=name) | Q(credit_code=credit_code)).exists():
        raise NameTaken(_("已存在同名或同一信用代码的机关。"))
    unknown = set(fields) - set(ORGAN_FIELDS) - {"supervisor"}
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    organ = Organ.objects.create(name=name.strip(), credit_code=credit_code, **fields)
    record_event(
        "accounts.organ.created",
        actor=actor,
        obj=organ,
        organ_id=organ.pk,
        changes=_snapshot(organ, ORGAN_FIELDS),
    )
    return organ


@transaction.atomic
def update_organ(organ: Organ, *, actor: Any, **fields: Any) -> Organ:
    """Change an organ's record (name, contacts, index prefix …)."""
    require(actor, Action.MANAGE_ORGAN, organ=organ)
    unknown = set(fields) - set(ORGAN_FIELDS)
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    if "credit_code" in fields:
        fields["credit_code"] = str(fields["credit_code"]).strip().upper()
        try:
            validate_credit_code(fields["credit_code"])
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0], details={"field": "credit_code"}) from None
    before = _snapshot(organ, fields)
    for key, value in fields.items():
        setattr(organ, key, value)
    organ.save(update_fields=list(fields))
    record_event(
        "accounts.organ.updated",
        actor=actor,
        obj=organ,
        changes=diff_fields(before, _snapshot(organ, fields)),
    )
    return organ


def _name_in_use(organ: Organ, name: str, *, exclude_unit: int | None = None) -> bool:
    units = Unit.objects.filter(organ=organ, name=name)
    if exclude_unit is not None:
        units = units.exclude(pk=exclude_unit)
    return (
        units.exists()
        or UnitGroup.objects.filter(organ=organ, name=name).exists()
        or UnitAlias.objects.filter(organ=organ, alias=name).exists()
    )


def _check_parent(organ: Organ, unit: Unit | None, parent: Unit | None) -> None:
    if parent is None:
        return
    if parent.organ_id != organ.pk:
        raise InvalidInput(_("上级单位必须属于同一机关。"), details={"field": "parent"})
    if unit is not None and (parent.pk == unit.pk or unit.pk in parent.ancestor_ids()):
        raise InvalidInput(_("上级单位不能是本单位或其下级单位。"), details={"field": "parent"})


@transaction.atomic
def create_unit(
    organ: Organ,
    *,
    actor: Any,
    name: str,
    kind: str,
    short_name: str = "",
    parent: Unit | None = None,
    sort_order: int = 0,
    phone: str = "",
    email: str = "",
    aliases: Sequence[str] = (),
) -> Unit:
    """Create a unit (单位) in ``organ``, with optional aliases."""
    require(actor, Action.MANAGE_UNITS, organ=organ)
    name = name.strip()
    if not name:
        raise InvalidInput(_("请填写单位名称。"), details={"field": "name"})
    if kind not in UnitKind.values:
        raise InvalidInput(_("单位类型无效。"), details={"field": "kind"})
    if _name_in_use(organ, name):
        raise NameTaken(details={"field": "name", "name": name})
    _check_parent(organ, None, parent)
    unit = Unit.objects.create(
        organ=organ,
        name=name,
        kind=kind,
        short_name=short_name.strip(),
        parent=parent,
        sort_order=sort_order,
        phone=phone,
        email=email,
    )
    record_event(
        "accounts.unit.created",
        actor=actor,
        obj=unit,
        changes=_snapshot(unit, UNIT_STRUCTURE_FIELDS + UNIT_CONTACT_FIELDS),
    )
    for alias in aliases:
        add_unit_alias(unit, actor=actor, alias=alias)
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, actor: Any, **fields: Any) -> Unit:
    """Change a unit. Structure needs MANAGE_UNITS; a unit's own contacts need MANAGE_UNITS or
    ACT_FOR_UNIT (its own editors)."""
    unknown = set(fields) - set(UNIT_STRUCTURE_FIELDS) - set(UNIT_CONTACT_FIELDS)
    if unknown:
        raise InvalidInput(details={"fields": sorted(unknown)})
    organ = unit.organ
    if set(fields) & set(UNIT_STRUCTURE_FIELDS):
        require(actor, Action.MANAGE_UNITS, organ=organ)
    elif not can(actor, Action.MANAGE_UNITS, organ=organ):
        require(actor, Action.ACT_FOR_UNIT, organ=organ, unit=unit)
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            raise InvalidInput(_("请填写单位名称。"), details={"field": "name"})
        if fields["name"] != unit.name and _name_in_use(
            organ, fields["name"], exclude_unit=unit.pk
        ):
            raise NameTaken(details={"field": "name", "name": fields["name"]})
    if "kind" in fields and fields["kind"] not in UnitKind.values:
        raise InvalidInput(_("单位类型无效。"), details={"field": "kind"})
    if "parent" in fields:
        _check_parent(organ, unit, fields["parent"])
    before = _snapshot(unit, fields)
    for key, value in fields.items():
        setattr(unit, key, value)
    unit.save(update_fields=list(fields))
    changes = diff_fields(before, _snapshot(unit, fields))
    if changes:
        record_event("accounts.unit.updated", actor=actor, obj=unit, changes=changes)
    return unit


@transaction.atomic
def deactivate_unit(unit: Unit, *, actor: Any, reason: str) -> Unit:
    """Retire a unit (机构改革): kept with its history, no longer offered for new work."""
    require(actor, Action.MANAGE_UNITS, organ=unit.organ)
    if not reason.strip():
        raise InvalidInput(_("请填写停用原因。"), details={"field": "reason"})
    if unit.is_active:
        unit.is_active = False
        unit.save(update_fields=["is_active"])
        record_event("accounts.unit.deactivated", actor=actor, obj=unit, changes={"reason": reason})
    return unit


@transaction.atomic
def add_unit_alias(target: Unit | UnitGroup, *, actor: Any, alias: str) -> UnitAlias:
    """Record another name for a unit or group, so imports resolve it next time."""
    organ = target.organ
    require(actor, Action.MANAGE_UNITS, organ=organ)
    alias = alias.strip()
    if not alias:
        raise InvalidInput(_("别名不能为空。"), details={"field": "alias"})
    existing = UnitAlias.objects.filter(organ=organ, alias=alias).first()
    is_unit = isinstance(target, Unit)
    if existing is not None:
        if (existing.unit_id if is_unit else existing.group_id) == target.pk:
            return existing
        raise NameTaken(details={"field": "alias", "name": alias})
    if alias == target.name:
        raise InvalidInput(_("别名与名称相同。"), details={"field": "alias"})
    if _name_in_use(organ, alias):
        raise NameTaken(details={"field": "alias", "name": alias})
    if isinstance(target, Unit):
        record = UnitAlias.objects.create(organ=organ, alias=alias, unit=target)
    else:
        record = UnitAlias.objects.create(organ=organ, alias=alias, group=target)
    record_event(
        "accounts.alias.created",
        actor=actor,
        obj=target,
        changes={"alias": alias},
    )
    return record


@transaction.atomic
def create_unit_group(
    organ: Organ,
    *,
    actor: Any,
    name: str,
    member_kinds: Sequence[str] = (),
    members: Sequence[Unit] = (),
    description: str = "",
    aliases: Sequence[str] = (),
) -> UnitGroup:
    """Create a group name that stands for several units (业务科室 = every division …)."""
    require(actor, Action.MANAGE_UNITS, organ=organ)
    name = name.strip()
    if _name_in_use(organ, name):
        raise NameTaken(details={"field": "name", "name": name})
    bad = [k for k in member_kinds if k not in UnitKind.values]
    if bad:
        raise InvalidInput(_("单位类型无效。"), details={"field": "member_kinds", "kinds": bad})
    if any(u.organ_id != organ.pk for u in members):
        raise InvalidInput(_("成员单位必须属于同一机关。"), details={"field": "members"})
    group = UnitGroup.objects.create(
        organ=organ, name=name, description=description, member_kinds=list(member_kinds)
    )
    group.members.set(members)
    record_event(
        "accounts.group.created",
        actor=actor,
        obj=group,
        changes={
            "name": name,
            "member_kinds": list(member_kinds),
            "members": sorted(u.pk for u in members),
        },
    )
    for alias in aliases:
        add_unit_alias(group, actor=actor, alias=alias)
    return group


@transaction.atomic
def set_organ_logo(organ: Organ, *, actor: Any, upload: UploadedFile[Any]) -> Organ:
    """Replace the organ's logo (shown in page headers) after the image upload policy checks it."""
    require(actor, Action.MANAGE_ORGAN, organ=organ)
    try:
        detected = IMAGE_POLICY.check(upload)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], details={"field": "logo"}) from None
    old = organ.logo.name
    organ._detected_extension = detected.extension  # type: ignore[attr-defined]
    organ.logo.save(upload.name or "logo", upload, save=False)
    organ.save(update_fields=["logo"])
    record_event(
        "accounts.organ.logo_changed",
        actor=actor,
        obj=organ,
        changes={"logo": [old, organ.logo.name], "type": detected.media_type},
    )
    return organ
