"""API of the accounts app: who am I, and the units of my organ."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from gongkai.accounts import services
from gongkai.accounts.choices import UnitKind
from gongkai.accounts.models import Organ, Unit
from gongkai.accounts.selectors import list_memberships, list_organs_visible_to, list_units
from gongkai.core.api import InSchema
from gongkai.core.apitypes import MAX_SMALL, Id
from gongkai.core.errors import InvalidInput, NotFound

router = Router(tags=["accounts"])


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any]


class MembershipOut(Schema):
    organ_id: Id
    organ_name: str
    role: str
    role_label: str
    unit_ids: list[Id]


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    is_system_admin: bool
    has_totp: bool
    memberships: list[MembershipOut]


class UnitOut(Schema):
    id: int
    organ_id: Id
    parent_id: Id | None
    name: str
    short_name: str
    kind: str
    phone: str
    email: str
    sort_order: int
    is_active: bool
    aliases: list[str]


class UnitIn(InSchema):
    organ_id: Id
    name: str = Field(min_length=1, max_length=100)
    kind: UnitKind
    short_name: str = Field("", max_length=50)
    parent_id: Id | None = None
    sort_order: int = Field(0, ge=0, le=MAX_SMALL)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    aliases: list[str] = []


class UnitPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: UnitKind | None = None
    short_name: str | None = Field(None, max_length=50)
    parent_id: Id | None = None
    sort_order: int | None = Field(None, ge=0, le=MAX_SMALL)
    phone: str | None = Field(None, max_length=50)
    email: str | None = Field(None, max_length=254)


def _unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        organ_id=unit.organ_id,
        parent_id=unit.parent_id,
        name=unit.name,
        short_name=unit.short_name,
        kind=unit.kind,
        phone=unit.phone,
        email=unit.email,
        sort_order=unit.sort_order,
        is_active=unit.is_active,
        aliases=[a.alias for a in unit.aliases.all()],
    )


def _organ(request: HttpRequest, organ_id: Id) -> Organ:
    organ = list_organs_visible_to(request.user).filter(pk=organ_id).first()
    if organ is None:
        raise NotFound
    return organ


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    user: Any = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        is_system_admin=user.is_superuser,
        has_totp=user.has_totp,
        memberships=[
            MembershipOut(
                organ_id=m.organ_id,
                organ_name=m.organ.name,
                role=m.role,
                role_label=m.get_role_display(),
                unit_ids=[u.pk for u in m.units.all()],
            )
            for m in list_memberships(user)
        ],
    )


@router.get("/units", response=list[UnitOut], summary="单位列表")
def units(
    request: HttpRequest, organ_id: Id | None = None, include_inactive: bool = False
) -> list[UnitOut]:
    """List the units of one organ (default: every organ the user can see)."""
    organs = (
        [_organ(request, organ_id)]
        if organ_id is not None
        else list(list_organs_visible_to(request.user))
    )
    result: list[UnitOut] = []
    for organ in organs:
        queryset = list_units(organ, user=request.user, include_inactive=include_inactive)
        result.extend(_unit_out(u) for u in queryset.prefetch_related("aliases"))
    return result


def _parent(organ: Organ, parent_id: Id | None) -> Unit | None:
    if parent_id is None:
        return None
    parent = Unit.objects.filter(organ=organ, pk=parent_id).first()
    if parent is None:
        raise InvalidInput(details={"field": "parent_id"})
    return parent


@router.post(
    "/units",
    response={201: UnitOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="新增单位",
)
def create_unit(request: HttpRequest, payload: UnitIn) -> Status[UnitOut]:
    organ = _organ(request, payload.organ_id)
    with transaction.atomic():
        unit = services.create_unit(
            organ,
            actor=request.user,
            name=payload.name,
            kind=payload.kind.value,
            short_name=payload.short_name,
            parent=_parent(organ, payload.parent_id),
            sort_order=payload.sort_order,
            phone=payload.phone,
            email=payload.email,
            aliases=payload.aliases,
        )
    return Status(201, _unit_out(unit))


@router.patch(
    "/units/{unit_id}",
    response={200: UnitOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut},
    summary="修改单位",
)
def update_unit(request: HttpRequest, unit_id: Id, payload: UnitPatch) -> UnitOut:
    visible = list_organs_visible_to(request.user)
    unit = get_object_or_404(Unit.objects.filter(organ__in=visible), pk=unit_id)
    fields: dict[str, Any] = payload.dict(exclude_unset=True)
    if "parent_id" in fields:
        fields["parent"] = _parent(unit.organ, fields.pop("parent_id"))
    if "kind" in fields and fields["kind"] is not None:
        fields["kind"] = UnitKind(fields["kind"]).value
    fields = {k: v for k, v in fields.items() if v is not None or k == "parent"}
    services.update_unit(unit, actor=request.user, **fields)
    return _unit_out(unit)
