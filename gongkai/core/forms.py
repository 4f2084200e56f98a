"""Form bases and the audit screen's filter.

``CleanTextMixin`` is the one place where form input is normalised: every form of the project
derives from it (a test walks them all), directly or through ``DomainErrorFormMixin``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from gongkai.core.selectors import AuditFilter
from gongkai.lib.text import clean_text, has_nul

NUL_MESSAGE = _("不能包含空字符。")


class CleanQueryDict(QueryDict):
    """A request's GET or POST after ``clean_querydict``: ``nul_keys`` names the keys whose
    values held NUL (removed), so that a form bound to it can refuse them beside the field."""

    nul_keys: frozenset[str] = frozenset()

    def __deepcopy__(self, memo: MutableMapping[int, Any]) -> CleanQueryDict:
        # ``copy()`` goes through here: a view that copies the post keeps what held NUL.
        result: CleanQueryDict = super().__deepcopy__(memo)
        result.nul_keys = self.nul_keys
        return result


def _is_secret(key: str, secret: Collection[str]) -> bool:
    return key in secret or "password" in key


def clean_querydict(
    data: Mapping[str, Any], *, secret: Collection[str] = ()
) -> tuple[CleanQueryDict, frozenset[str]]:
    """Return ``data`` with every text value through ``clean_text`` (NUL removed), and the keys
    that held NUL. Passwords (``secret`` keys, and any key naming a password) are left as typed:
    they are hashed, never shown, and a changed byte would lock their owner out."""
    cleaned = CleanQueryDict(mutable=True)
    nul: set[str] = set()
    lists = data.lists() if isinstance(data, MultiValueDict) else _as_lists(data)
    for key, values in lists:
        kept = []
        for value in values:
            if isinstance(value, str):
                if has_nul(value):
                    nul.add(key)
                if not _is_secret(key, secret):
                    value = clean_text(value)
                value = value.replace("\x00", "")
            kept.append(value)
        cleaned.setlist(key, kept)
    cleaned.nul_keys = frozenset(nul) | getattr(data, "nul_keys", frozenset())
    cleaned._mutable = False
    return cleaned, cleaned.nul_keys


def _as_lists(data: Mapping[str, Any]) -> list[tuple[str, list[Any]]]:
    return [(k, list(v) if isinstance(v, list | tuple) else [v]) for k, v in data.items()]


class CleanTextMixin(forms.BaseForm):
    """Normalise a bound form's text before its fields see it (``gongkai.lib.text``): control
    characters other than tab and newline removed, Unicode NFC; a field whose value held NUL is
    refused with ``NUL_MESSAGE``, the same on SQLite and PostgreSQL (which cannot store NUL)."""

    def full_clean(self) -> None:
        nul: frozenset[str] = frozenset()
        if self.is_bound:
            secret = {
                self.add_prefix(name)
                for name, field in self.fields.items()
                if isinstance(field.widget, forms.PasswordInput)
            }
            self.data, nul = clean_querydict(self.data, secret=secret)
        super().full_clean()
        for name in self.fields:
            if self.add_prefix(name) in nul:
                self.add_error(name, str(NUL_MESSAGE))


class CleanTextForm(CleanTextMixin, forms.Form):
    """A plain form whose input is normalised (see ``CleanTextMixin``)."""


class AuditFilterForm(CleanTextForm):
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
