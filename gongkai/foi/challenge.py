"""The public application form's challenge (人机验证), kept on the server.

Each form this browser is given (its submit token) has one question in the session; the page
shows that question's text and nothing else, so no hidden field carries or signs the answer. The
answer posted is checked against the same stored question; a wrong or empty answer replaces it
with a new one, which is the one the page then shows; a right one marks it solved, so a mistake
elsewhere on the form does not ask again; the submitted application consumes it, so the solved
answer cannot be sent again for another application. The session is the database's (never the
signed-cookie backend, which would hand the answer to the browser). No outside service:
government intranets are often offline.

Two kinds of question, both read out by a screen reader and both answered in digits: a sum
(``23 加 5 等于多少？``) and the same digits written as Chinese numerals (``请依次输入：五、三、
八、一``); the applicant may switch from one to the other.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

SESSION_CHALLENGES = "gongkai_foi_challenges"
KEPT = 10  # forms per browser with a pending question (as many as the submit tokens kept)
SUM, DIGITS = "sum", "digits"
KINDS = (SUM, DIGITS)
NUMERALS = "〇一二三四五六七八九"


@dataclass(frozen=True)
class Challenge:
    kind: str
    question: str
    answer: str
    solved: bool = False


def _draw(kind: str) -> Challenge:
    if kind == DIGITS:
        digits = [secrets.randbelow(10) for _n in range(4)]
        words = "、".join(NUMERALS[d] for d in digits)
        question = _("请用阿拉伯数字依次输入：%(words)s") % {"words": words}
        return Challenge(DIGITS, question, "".join(str(d) for d in digits))
    a, b = 10 + secrets.randbelow(40), 1 + secrets.randbelow(9)
    return Challenge(SUM, _("%(a)d 加 %(b)d 等于多少？") % {"a": a, "b": b}, str(a + b))


def _store(session: MutableMapping[str, Any], token: str, challenge: Challenge) -> None:
    pending = dict(session.get(SESSION_CHALLENGES, {}))
    pending.pop(token, None)
    pending[token] = [challenge.kind, challenge.question, challenge.answer, challenge.solved]
    session[SESSION_CHALLENGES] = dict(list(pending.items())[-KEPT:])


def current(session: MutableMapping[str, Any], token: str) -> Challenge | None:
    """The question stored for the form ``token``, or ``None`` (never given, or used up)."""
    stored = session.get(SESSION_CHALLENGES, {}).get(token) if token else None
    if not isinstance(stored, list) or len(stored) != 4:
        return None
    kind, question, answer, solved = stored
    return Challenge(str(kind), str(question), str(answer), bool(solved))


def issue(session: MutableMapping[str, Any], token: str, *, kind: str = SUM) -> Challenge:
    """Store a new question of ``kind`` for the form ``token`` and return it."""
    challenge = _draw(kind if kind in KINDS else SUM)
    _store(session, token, challenge)
    return challenge


def shown(session: MutableMapping[str, Any], token: str) -> Challenge:
    """The question the page shows for ``token``: the stored one, else a new one."""
    return current(session, token) or issue(session, token)


def switch(session: MutableMapping[str, Any], token: str) -> Challenge:
    """A new question of the other kind (换一道题), unless this one is already solved."""
    now = current(session, token)
    if now is not None and now.solved:
        return now
    kind = DIGITS if now is None or now.kind == SUM else SUM
    return issue(session, token, kind=kind)


def normalise(answer: object) -> str:
    """Full-width digits (typed with a Chinese input method) as ASCII, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", str(answer or "")).split())


def check(session: MutableMapping[str, Any], token: str, answer: object) -> bool:
    """Whether the form ``token`` has passed its challenge with ``answer`` (or earlier).

    Right: the question is marked solved. Wrong, empty, or no question stored for the token (a
    form from another browser, or one already used for an application): a new question of the
    same kind is stored, and the page shows that one.
    """
    now = current(session, token)
    if now is not None and now.solved:
        return True
    if now is not None and secrets.compare_digest(normalise(answer).encode(), now.answer.encode()):
        _store(session, token, Challenge(now.kind, now.question, now.answer, solved=True))
        return True
    issue(session, token, kind=now.kind if now is not None else SUM)
    return False


def consume(session: MutableMapping[str, Any], token: str) -> None:
    """Forget the question of a form that became an application: it cannot pass again."""
    pending = dict(session.get(SESSION_CHALLENGES, {}))
    if pending.pop(token, None) is not None:
        session[SESSION_CHALLENGES] = pending
