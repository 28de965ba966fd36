"""Questions that lapsed: replies saying a question fell when Parliament was prorogued or
dissolved before it could be answered.

A written question not answered when a session ends falls. Departments then give it a stock
reply, printed as its answer: "It has not proved possible to respond to the hon. Member in the
time available before Prorogation." In mySociety's dumps of the Written Questions API (Commons
questions tabled September 2023 to October 2024) 143 answers are such replies, in these
variants: "respond to" or "reply to"; "the hon. Member", "the right hon. Member", "the Rt hon.
Member", "the Rt Hon Member", "the hon Member", "my hon. Friend"; "before Prorogation",
"before prorogation", "before Dissolution"; and in December 2023, 8 of 2,989 answers. Such a
reply is not an answer: the store gives the question the status ``lapsed``. It is neither on
time nor late, and never overdue.

The reply is recognised only when it is the whole answer (a short text), so an answer that
mentions prorogation ("questions that received the standard Prorogation response") or an
election is not taken for one.
"""

from __future__ import annotations

import re

__all__ = ["LAPSED", "is_lapse_notice"]

LAPSED = "lapsed"

# The stock reply is one sentence; allow a little more (a second line, a signature).
_MAX_CHARS = 400

_LAPSE = re.compile(
    r"\bit\s+(?:has|was)\s+not\s+(?:proved|proven|been)\s+possible\s+to\s+"
    r"(?:respond|reply|answer|provide\s+(?:an?\s+)?(?:substantive\s+)?(?:answer|response|reply))\b"
    r"[^\n]{0,80}?\bin\s+the\s+time\s+available\s+before\s+(?:the\s+)?"
    r"(?:prorogation|dissolution|parliament\s+(?:was\s+)?(?:prorogued|dissolved)|"
    r"(?:the\s+)?(?:end\s+of\s+the\s+session|general\s+election))\b",
    re.IGNORECASE,
)


def is_lapse_notice(answer_text: str | None) -> bool:
    """Whether an answer's plain text is the reply given to a question that lapsed at
    prorogation or dissolution ("It has not proved possible to respond to the hon. Member in
    the time available before Prorogation.")."""
    if not answer_text or not isinstance(answer_text, str):
        return False
    text = answer_text.strip()
    return len(text) <= _MAX_CHARS and _LAPSE.search(text) is not None
