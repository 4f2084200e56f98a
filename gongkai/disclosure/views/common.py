"""What the disclosure pages share: the current organ and parsed query values."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from gongkai.accounts.organs import current_organ
from gongkai.disclosure.catalogue import ensure_catalogue

PAGE_SIZE = 30


def _organ(request: HttpRequest) -> Any:
    organ = current_organ(request)
    if organ is None:
        raise Http404
    ensure_catalogue(organ)
    return organ


def _int(value: str | None) -> int | None:
    """An id or year from a query string: ASCII digits only, else ignored."""
    if value and value.isascii() and value.isdecimal() and len(value) < 10:
        return int(value)
    return None


def _year(value: str | None) -> int | None:
    year = _int(value)
    return year if year is not None and 1900 <= year <= 2100 else None
