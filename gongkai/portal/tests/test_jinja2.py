"""The public templates' environment: translations compiled as filter calls render exactly as
the calls they replace, in the language of the render."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.template import engines
from django.utils import translation
from jinja2 import Environment

from gongkai.portal import jinja2 as public
from gongkai.portal.jinja2 import gettext, ngettext

SOURCE = (
    '{{ _("首页") }}|{{ _("第 %(n)s 页", n=2) }}|{{ _(\'站内搜索\') ~ "!" }}|'
    "{{ title }}|{% if _('主导航') %}{{ _('分页')|length }}{% endif %}|"
    '{{ _("next").upper() }}|{{ _("首页")[0] }}|{{ _("next")|upper }}|{{ obj._("首页") }}|'
    '{{ _("a" "b") }}|{%- if 1 %} {{- _("x") -}} {% endif %}|'
    '{{ ngettext("%(num)s 条", "%(num)s 条", 3) }}|{% set _x = 1 %}{{ _x }}'
)


def _marked(message: str) -> str:
    """A stand-in catalogue that shows which language a string was translated in."""
    return f"{translation.get_language()}:{message}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_literal_translations_render_as_the_calls_they_replace(
    monkeypatch: Any, language: str
) -> None:
    monkeypatch.setattr(public.translation, "gettext", _marked)
    monkeypatch.setattr(public, "_translated", {})
    ours = engines["jinja2"].env  # type: ignore[attr-defined]
    with translation.override("zh-hans"):  # compiled in one language …
        template = ours.from_string(SOURCE)
    plain = Environment(autoescape=True)  # no extension: every _() is a call
    plain.globals.update(_=gettext, ngettext=ngettext)
    context = {"title": "<b>名称</b>", "obj": SimpleNamespace(_=lambda m: f"[{m}]")}
    with translation.override(language):  # … rendered in another
        expected = plain.from_string(SOURCE).render(context)
        got = template.render(context)
    assert got == expected
    assert got.startswith(f"{language}:首页|")
    assert f"{language.upper()}:NEXT|" in got  # what follows the call applies to its result
    assert "[首页]" in got  # a method called _ is left alone
    assert "&lt;b&gt;" in got
    compiled = ours.compile(SOURCE, raw=True)
    assert compiled.count("undefined(name='_')") == 1  # still a call: n=2


@pytest.mark.parametrize(
    "source",
    [
        "{{ _(title) }}",
        '{{ _("a" ~ title) }}',
        "{{ _(title, n=1) }}",
        "{{ _() }}",
        '{{ ngettext(title, "%(num)s 条", 2) }}',
        '{{ ngettext("%(num)s 条", title ~ "", 2) }}',
        '{{ ngettext("%(num)s 条") }}',
    ],
)
def test_messages_must_be_literals(source: str) -> None:
    """A translation is trusted markup: a value passed as the message would print unescaped."""
    from jinja2 import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="string literals"):
        engines["jinja2"].env.from_string(source)  # type: ignore[attr-defined]


def test_every_public_template_compiles() -> None:
    """The literal-message rule above holds in every template the site renders."""
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    names = env.list_templates(extensions=["html", "xml", "txt"])
    assert len(names) > 10
    for name in names:
        env.get_template(name)
