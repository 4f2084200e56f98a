"""Letters' delivery records and an organ's letter templates, letter settings and
per-outcome remedies (行政复议法 第二十三条).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.accounts.choices import RemedyMode
from gongkai.accounts.models import Organ
from gongkai.accounts.permissions import Action, require
from gongkai.core.audit import record_event
from gongkai.core.errors import InvalidInput
from gongkai.foi import letters
from gongkai.foi.choices import (
    DeliveryMethod,
    Outcome,
)
from gongkai.foi.models import (
    Letter,
    LetterSettings,
    LetterTemplate,
)
from gongkai.foi.services.common import _may_handle
from gongkai.foi.services.deadlines import _count_from_delivery


@transaction.atomic
def record_delivery(
    letter: Letter,
    *,
    actor: Any,
    method: str,
    sent_on: dt.date,
    delivered_on: dt.date | None = None,
    reference: str = "",
) -> Letter:
    """Record how and when a letter was sent and, when known, delivered (送达)."""
    letter = Letter.objects.select_for_update().select_related("request__organ").get(pk=letter.pk)
    _may_handle(actor, letter.request)
    if method not in DeliveryMethod.values:
        raise InvalidInput(_("请从列表中选择。"), details={"field": "method"})
    if sent_on < letter.issued_on:
        raise InvalidInput(_("发出日期不能早于落款日期。"), details={"field": "sent_on"})
    if delivered_on is not None and delivered_on < sent_on:
        raise InvalidInput(_("送达日期不能早于发出日期。"), details={"field": "delivered_on"})
    letter.delivery_method, letter.sent_on = method, sent_on
    letter.delivered_on, letter.delivery_ref = delivered_on, reference.strip()[:200]
    letter.save(update_fields=["delivery_method", "sent_on", "delivered_on", "delivery_ref"])
    if delivered_on is not None:
        _count_from_delivery(letter, delivered_on)
    record_event(
        "foi.letter.delivered",
        actor=actor,
        obj=letter.request,
        changes={
            "letter": letter.pk,
            "method": method,
            "sent_on": sent_on,
            "delivered_on": delivered_on,
        },
    )
    return letter


@transaction.atomic
def save_letter_template(organ: Organ, *, actor: Any, key: str, title: str, body: str) -> None:
    """An organ's own wording of one letter; placeholders must be ones the letters know."""
    require(actor, Action.COORDINATE, organ=organ)
    try:
        letters.default_template(key)
    except KeyError:
        raise InvalidInput(details={"field": "key"}) from None
    for field, text in (("title", title), ("body", body)):
        if not text.strip():
            raise InvalidInput(_("此项为必填项。"), details={"field": field})
        unknown = letters.unknown_placeholders(text, key)
        if unknown:
            raise InvalidInput(
                _("此文书不能使用的占位符：%(p)s。")
                % {"p": "、".join("{" + u + "}" for u in unknown)},
                details={"field": field},
            )
    template, created = LetterTemplate.objects.select_for_update().get_or_create(
        organ=organ, key=key, defaults={"title": title.strip(), "body": body.strip()}
    )
    before = {} if created else {"title": template.title, "body": template.body}
    template.title, template.body = title.strip(), body.strip()
    template.updated_by = actor if getattr(actor, "pk", None) else None
    template.save()
    record_event(
        "foi.letter_template.saved",
        actor=actor,
        obj=template,
        organ_id=organ.pk,
        changes={
            "key": key,
            "before": before,
            "after": {"title": template.title, "body": template.body},
        },
    )


@transaction.atomic
def save_letter_settings(organ: Organ, *, actor: Any, **fields: str) -> LetterSettings:
    require(actor, Action.COORDINATE, organ=organ)
    allowed = {"office", "address", "phone", "court", "payment_method"}
    options, _created = LetterSettings.objects.select_for_update().get_or_create(organ=organ)
    changes = {}
    for name, value in fields.items():
        if name not in allowed:
            raise InvalidInput(details={"field": name})
        if getattr(options, name) != value.strip():
            changes[name] = value.strip()
            setattr(options, name, value.strip())
    options.updated_by = actor if getattr(actor, "pk", None) else None
    options.save()
    record_event(
        "foi.letter_settings.saved", actor=actor, obj=options, organ_id=organ.pk, changes=changes
    )
    return options


@transaction.atomic
def set_remedy_mode(organ: Organ, *, actor: Any, outcome: str, mode: str) -> LetterSettings:
    """Choose how the letter of one outcome states the remedies: reconsideration first, or the
    choice of reconsideration or court (行政复议法 第二十三条第一款第（四）项; RULES §2.5 — where
    commentators differ on 无法提供 / 不予处理, the organ decides)."""
    require(actor, Action.COORDINATE, organ=organ)
    if outcome not in Outcome.values:
        raise InvalidInput(details={"field": "outcome"})
    if mode not in RemedyMode.values:
        raise InvalidInput(_("请从列表中选择。"), details={"field": "mode"})
    options, _created = LetterSettings.objects.select_for_update().get_or_create(organ=organ)
    before = letters.remedy_mode(f"reply:{outcome}", options)
    modes = dict(options.remedy_modes or {})
    if mode == letters.DEFAULT_REMEDY_MODES[outcome]:
        modes.pop(outcome, None)
    else:
        modes[outcome] = mode
    options.remedy_modes = modes
    options.updated_by = actor if getattr(actor, "pk", None) else None
    options.save(update_fields=["remedy_modes", "updated_by"])
    record_event(
        "foi.remedy_mode.saved",
        actor=actor,
        obj=options,
        organ_id=organ.pk,
        changes={"outcome": outcome, "before": before, "after": mode},
    )
    return options
