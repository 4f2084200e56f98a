"""The public templates' environment: translations compiled as filter calls render exactly as
the calls they replace."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation
from jinja2 import Environment

from gongkai.portal.jinja2 import gettext, ngettext

SOURCE = (
    '{{ _("首页") }}|{{ _("第 %(n)s 页", n=2) }}|{{ _(\'站内搜索\') ~ "!" }}|'
    "{{ title }}|{% if _('主导航') %}{{ _('分页')|length }}{% endif %}|"
    '{{ ngettext("%(num)s 条", "%(num)s 条", 3) }}|{% set _x = 1 %}{{ _x }}'
)


with translation.override("zh-hans"):
    COMPILED = engines["jinja2"].env.from_string(SOURCE)  # type: ignore[attr-defined]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_literal_translations_render_as_the_calls_they_replace(language: str) -> None:
    """Also in a language other than the one the template was compiled in."""
    plain = Environment(autoescape=True)  # no extension: every _() is a call
    plain.globals.update(_=gettext, ngettext=ngettext)
    ours = engines["jinja2"].env  # type: ignore[attr-defined]
    with translation.override(language):
        expected = plain.from_string(SOURCE).render(title="<b>名称</b>")
        got = COMPILED.render(title="<b>名称</b>")
    assert got == expected
    assert "&lt;b&gt;" in got  # a value is escaped, whichever way it is called
    compiled = ours.compile(SOURCE, raw=True)
    assert "'首页'" in compiled  # by the filter, at render time: not folded into the template
    assert "'首页|" not in compiled
    assert compiled.count("context.call") == 2  # _(… n=2) and ngettext, nothing else
