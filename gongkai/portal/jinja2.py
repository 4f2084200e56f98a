"""The Jinja2 environment of the public site's templates.

The templates translate through Django's gettext — ``_("第 %(n)s 页", n=number)`` and
``ngettext(singular, plural, n)``: the translation is trusted markup, the values are escaped —
and use Django's own filters for dates, file sizes and line breaks, so the public pages format
them exactly as the staff pages do. A page asks for some thirty translations; each is looked up
once per language and process, not on every render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup

_translated: dict[tuple[str | None, str], str] = {}


def _lookup(message: str) -> str:
    key = (translation.get_language(), message)
    found = _translated.get(key)
    if found is None:
        found = _translated[key] = translation.gettext(message)
    return found


def gettext(message: str, **values: Any) -> Markup:
    text = Markup(_lookup(message))  # noqa: S704 — the catalogue's own text, not user input
    return text % values if values else text


def ngettext(singular: str, plural: str, num: int, **values: Any) -> Markup:
    text = Markup(translation.ngettext(singular, plural, num))  # noqa: S704 — as above
    return text % {"num": num, **values}


def date(value: Any, fmt: str | None = None) -> str:
    """Django's ``date`` filter, in local time as in Django's templates (a moment is shown as
    the day it was here); a plain date as ``Y-m-d`` (most of a list page) directly."""
    if fmt == "Y-m-d" and type(value) is dt.date:
        return value.isoformat()
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(defaultfilters.date(value, fmt))


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def environment(**options: Any) -> Environment:
    # Escape everything, and let a missing value print as nothing at any depth (as Django's
    # templates do: ``organ.logo`` on a page without an organ).
    options.pop("autoescape", None)
    options["undefined"] = ChainableUndefined
    env = Environment(autoescape=True, **options)
    env.globals.update(_=gettext, ngettext=ngettext, static=static, url=url)
    env.filters.update(
        date=date,
        filesizeformat=defaultfilters.filesizeformat,
        linebreaksbr=lambda value: defaultfilters.linebreaksbr(value, autoescape=True),
    )
    return env
