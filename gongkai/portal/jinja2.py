"""The Jinja2 environment of the public site's templates.

The templates translate through Django's gettext — ``_("第 %(n)s 页", n=number)`` and
``ngettext(singular, plural, n)``: the translation is trusted markup, the values are escaped —
and use Django's own filters for dates, file sizes and line breaks, so the public pages format
them exactly as the staff pages do. A page asks for some thirty translations; each is looked up
once per language and process, not on every render.

Within ``fragments()`` (a publication, a full build) the parts of the layout that depend only on
the organ and the language — header, footer, asset links — are rendered once and reused, and the
language is read once: those renders are anonymous and in one language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from jinja2 import ChainableUndefined, Environment, TemplateSyntaxError, pass_context
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from jinja2.runtime import Context
from markupsafe import Markup

from gongkai.lib.text import has_xml_unfit, xml_text

_translated: dict[tuple[str | None, str], Markup] = {}
# While fragments() is open: its language, and the layout parts rendered so far.
_open: ContextVar[tuple[str | None, dict[object, Markup]] | None] = ContextVar(
    "gongkai_fragments", default=None
)


@contextmanager
def fragments() -> Iterator[None]:
    """Reuse the layout's organ-only parts in the pages rendered within (see above)."""
    token = _open.set((translation.get_language(), {}))
    try:
        yield
    finally:
        _open.reset(token)


def once(key: object, render: Callable[[], Any]) -> Markup:
    """``render()`` (a layout macro), rendered once per key and language within fragments()."""
    opened = _open.get()
    if opened is None:
        return Markup(render())  # noqa: S704 — a macro's output, escaped as it was rendered
    memo = opened[1]
    found = memo.get(key)
    if found is None:
        found = memo[key] = Markup(render())  # noqa: S704 — as above
    return found


def gettext(message: str, **values: Any) -> Markup:
    opened = _open.get()
    key = (opened[0] if opened else translation.get_language(), message)
    text = _translated.get(key)
    if text is None:  # the catalogue's own text, not user input
        text = _translated[key] = Markup(translation.gettext(message))  # noqa: S704
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


class LiteralGettext(Extension):
    """Compile ``_("literal")`` as the filter ``"literal"|_t``: Jinja calls a filter directly,
    a function through its context (a dozen attribute probes a call — measured, a third of an
    item page's rendering went to its translations). The templates keep writing ``_("…")``,
    as the message extraction reads them; a call with values (``_("…%(n)s", n=…)``) stays a
    call. (A template that binds a name ``_`` of its own would not get it for literals.)

    The messages of ``_()`` and ``ngettext()`` must be string literals: their translation is
    trusted markup, so ``_(title)`` would print a value unescaped (and no catalogue holds it).
    A template that passes anything else fails to compile. (A lint of the written calls: a
    template could still reach the function under another name.)"""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        previous: Token | None = None
        while not stream.eos:
            token = next(stream)
            after_dot = previous is not None and previous.test("dot")  # obj._("x"): a method
            previous = token
            call = token.test("name:_") or token.test("name:ngettext")
            if after_dot or not (call and stream.current.test("lparen")):
                yield token
                continue
            held = [token, next(stream)]
            for _argument in range(1 if token.value == "_" else 2):
                held += self._literal(stream, token)
                if stream.current.test("comma"):
                    held.append(next(stream))
            alone = token.value == "_" and held[-1].test("string")  # no comma: no values
            if alone and stream.current.test("rparen"):
                previous = next(stream)
                # ( "literal" | _t ): in parentheses, so that what follows the call
                # (.lower(), [0], |upper) applies to its result as before; adjacent literals
                # join into one, as in the call
                line = token.lineno
                yield Token(line, "lparen", "(")
                yield from held[2:]  # the literals, after the name and its parenthesis
                yield Token(line, "pipe", "|")
                yield Token(line, "name", "_t")
                yield Token(line, "rparen", ")")
                continue
            previous = held[-1]
            yield from held

    @staticmethod
    def _literal(stream: TokenStream, call: Token) -> list[Token]:
        """The string tokens of one message argument (adjacent literals join), which must end
        the argument."""
        found = []
        while stream.current.test("string"):
            found.append(next(stream))
        if not found or not (stream.current.test("comma") or stream.current.test("rparen")):
            raise TemplateSyntaxError(
                f"{call.value}() takes its message (singular and plural for ngettext) as "
                "string literals, not an expression or nothing",
                stream.current.lineno,
                stream.name,
                stream.filename,
            )
        return found


@pass_context
def _translate(_context: Context, message: str) -> Markup:
    """The ``_t`` filter: ``gettext`` at render time. It takes the context only so that Jinja
    does not fold it into the compiled template in the language of the moment."""
    return gettext(message)


def url(name: str, *args: Any) -> str:
    return reverse(name, args=args)


def xml_safe(value: Any) -> Any:
    """Every printed value without what XML cannot carry (``gongkai.lib.text.xml_text``): the
    public pages and the Atom feeds stay well-formed whatever text was stored before the
    boundaries normalised it. Values with nothing to drop are returned as they are."""
    if not isinstance(value, str) or not has_xml_unfit(value):
        return value
    if isinstance(value, Markup):  # markup stays markup, less the dropped characters
        return Markup(xml_text(value))  # noqa: S704
    return xml_text(value)


def environment(**options: Any) -> Environment:
    # Escape everything, and let a missing value print as nothing at any depth (as Django's
    # templates do: ``organ.logo`` on a page without an organ).
    options.pop("autoescape", None)
    options["undefined"] = ChainableUndefined
    options["extensions"] = [*options.get("extensions", []), LiteralGettext]
    env = Environment(autoescape=True, finalize=xml_safe, **options)
    env.globals.update(_=gettext, ngettext=ngettext, once=once, static=static, url=url)
    env.filters.update(
        _t=_translate,
        date=date,
        filesizeformat=defaultfilters.filesizeformat,
        linebreaksbr=lambda value: defaultfilters.linebreaksbr(value, autoescape=True),
    )
    return env
