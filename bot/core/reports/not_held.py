"""Spotting answers that decline to give figures because the information is not held.

The Centre for Public Data found that about a quarter of written questions asking for figures
were answered "the information is not held centrally" or "could only be obtained at
disproportionate cost". This module recognises those answers from their plain text (as made by
``bot.core.text.html_to_text``). It is pure and Discord-free.

Policy: an answer counts as "not held" when it declines the substance of the request because the
information is not held, recorded, collected or available (in the form asked for), or because
getting it would cost disproportionately. Pointing to another body, or giving a different figure
instead (a proxy: "figures are not held by constituency, but in the region there were ..."),
still counts: the figures asked for were not given. It does not count when:

* the answer gives the figures and only adds that some part or breakdown is not held
  ("There were 4,512 referrals ... Information on the reasons is not held centrally");
* the words are about something other than information ("does not hold any contracts",
  "the conference was not held", "should not impose disproportionate costs on business",
  "it would not be disproportionate", "records are not available to third parties");
* the information is said to be held or published ("the information is held by NHS Digital",
  "from information held centrally, 1,245 ...");
* the answer is a holding answer, a refusal on other grounds (security, legal advice), a
  referral to the UK Statistics Authority, "no assessment has been made", or says figures are
  "not yet available" (a publication date, not a gap in the records).

How it decides. One regular-expression pass (``_TRIGGERS.finditer``) over the lower-cased text
finds the trigger words ``not``/``n't``, ``no``, ``disproportionate`` and ``unavailable`` and, in
the same match, what follows them ("not held", "not collected centrally", "does not hold ...
information", "at disproportionate cost" ...). Every branch begins with one of the letters
``n``, ``d`` or ``u`` so the engine can skip quickly through the text: about 30 ns a
character (some 45 s for a million 1,500-character answers), where a plain alternation of the
phrases, each starting with its subject, took about 850 ns (20 minutes). Branches named
``neg_*`` match known false friends ("would not be disproportionate", "not yet available") and
consume them. What must come *before* a trigger (an information subject and "is/are" for
"... is not held", "does" for "does not hold", "at"/"incur" for "disproportionate cost") is
checked only for the few matches, on a short window of text before the match.

A signal makes the answer "not held" when it is in the opening (the first ``LEAD_CHARS``
characters) with fewer than ``LEAD_FIGURES_THRESHOLD`` figures before it, or when it comes later
and the whole answer gives fewer than ``FIGURES_THRESHOLD`` figures (numbers that are not years,
dates or references). That tells a decline after some background from a partial answer.
"""

from __future__ import annotations

import re

__all__ = [
    "FIGURES_THRESHOLD",
    "LEAD_CHARS",
    "LEAD_FIGURES_THRESHOLD",
    "is_not_held",
    "not_held_reason",
]

# A signal starting within this many characters counts as the answer's opening.
LEAD_CHARS = 200
# An opening signal counts only when fewer numbers than this come before it.
LEAD_FIGURES_THRESHOLD = 2
# A later signal counts only when the whole answer gives fewer numbers than this.
FIGURES_THRESHOLD = 3
# How far back to look for the words that must precede a trigger.
_WINDOW = 220

# --- building blocks (all lower case: the text is lower-cased once) ---
# Nouns that name information.
_INFO = (
    r"(?:information|data|datum|figures?|statistics|stats|records?|details?|breakdown|"
    r"numbers?|totals?|estimates?|analysis)"
)
_INFO_SHORT = r"(?:information|data|figures|statistics|records?|details)"
# "(is) not <verb>" for information.
_KEPT = (
    r"(?:held|maintained|kept|retained|tracked|monitored|available|obtainable|"
    r"readily\s+available)"
    # "records are not available to third parties": access, not existence
    r"(?!\s+to\s+(?:third\s+parties|the\s+public|members\s+of|anyone|other|outside|external))"
)
# Record keeping, which needs no information subject: "the number ... is not recorded".
_RECORDED = r"(?:recorded|collected|collated|captured|compiled|gathered)"
_BE = r"(?:is|are|was|were|has\s+been|have\s+been|had\s+been)"
_ADV = r"(?:\w+ly\s+|therefore\s+|currently\s+|also\s+|as\s+such\s+)?"
_DET = r"(?:any\s+|the\s+|this\s+|that\s+|such\s+|these\s+|those\s+|a\s+|an\s+|its\s+|their\s+)?"
# Up to two words between a determiner and the information noun, but not a particle
# ("we do not hold back information").
_FILLER = r"(?:(?!back\b|up\b|out\b|off\b)[\w-]+\s+){0,2}?"

# Forward parts after "not" / "n't". First match wins, so false friends come first.
_AFTER_NOT = [
    # "would not be / incur disproportionate (cost)"
    (
        "neg_not_disp",
        r"\s+(?:be\s+|incur\s+|involve\s+|impose\s+|result\s+in\s+)(?:at\s+)?(?:an?\s+)?"
        r"disproportionate(?:ly)?\b(?:\s+costs?)?",
    ),
    # "not yet available": a publication date, not a gap in the records
    ("neg_not_yet", r"\s+yet\b"),
    # "not held centrally", "not collected centrally": strong on their own
    (
        "central",
        r"\s+(?:\w+ly\s+)?(?:held|recorded|collected|collated|available|kept|maintained)\s+"
        r"(?:centrally|at\s+a\s+central\s+level)\b",
    ),
    # "not held in the format requested", "we do not publish data in format requested"
    (
        "format",
        r"\b[^.;:!?]{0,80}?\bin\s+(?:the\s+|a\s+)?(?:format|form)\s+"
        r"(?:requested|you\s+have\s+requested|asked\s+for)\b",
    ),
    # "... is not recorded / collected": needs "is/are" before
    ("passive_recorded", r"\s+(?:\w+ly\s+)?" + _RECORDED + r"\b"),
    # "... is not held / available": needs an information subject and "is/are" before
    ("passive_kept", r"\s+(?:\w+ly\s+)?" + _KEPT + r"\b"),
    # "does not (centrally) hold (this/any) (specific) information": needs "do/does/did" before
    (
        "do_hold",
        r"\s+(?:\w+ly\s+)?(?:\w+\s+or\s+)?(?:hold|keep|maintain|have|retain|collect|compile|"
        r"collate|gather|track|monitor)\s+" + _DET + _FILLER + _INFO + r"\b",
    ),
    # "police forces do not record the nationality of ...": needs "do/does/did" before
    (
        "do_record",
        r"\s+(?:\w+ly\s+)?(?:record|capture)\s+(?!(?:any\s+)?personal\b)(?:the|this|that|such|"
        r"these|those|any|whether|how|why|which|data|information|details?|figures)\b",
    ),
    # "centrally held data do not distinguish ...": needs "data do/does" before
    (
        "data_cannot",
        r"\s+(?:\w+ly\s+)?(?:distinguish|allow|enable|identify|separately\s+identify|"
        r"differentiate|break\s+down)\b",
    ),
]

# Forward parts after "no".
_AFTER_NO = [
    ("no_central", r"\s+central(?:ly\s+held)?\s+records?\b"),
    (
        "no_info_kept",
        r"\s+(?:central\s+|such\s+)?"
        + _INFO_SHORT
        + r"\s+"
        + _BE
        + r"\s+(?:\w+ly\s+)?(?:held|kept|collected|recorded|maintained|available)\b",
    ),
    ("no_longer", r"\s+longer\s+(?:\w+ly\s+)?(?:held|kept|maintained|" + _RECORDED + r")\b"),
    # "the Department holds / has no information": needs "holds/has" before
    ("has_no", r"\s+(?:\w+\s+)?" + _INFO_SHORT + r"\b"),
]

# Forward parts after "disproportionate".
_POLICY_OBJECT = (
    r"(?!\s+(?:on|upon|for|to)\s+(?:small\s+|\w+\s+)?(?:business\w*|firms|employers|landlords|"
    r"consumers|industry|compan\w+|providers|charities|households|organisations|operators))"
)
_AFTER_DISP = [
    (
        "cost_to_obtain",
        r"(?:ly)?\s+(?:costly|expensive|cost)\s+to\s+"
        r"(?:obtain|collate|provide|compile|extract|produce|identify|collect|retrieve|gather)\b",
    ),
    # "would exceed the disproportionate cost threshold": needs "exceed the" before
    ("cost_threshold", r"\s+cost\s+(?:threshold|limit)\b"),
    # "at / incur / involve / without incurring disproportionate cost": needs those before
    ("cost", r"(?:ly)?\s+(?:costs?|expense|amounts?\s+of)\b" + _POLICY_OBJECT),
]


def _alternation(parts: list[tuple[str, str]]) -> str:
    return "|".join(f"(?P<{name}>{body})" for name, body in parts)


# Every branch starts with n, d or u; a lookbehind after that letter both says which trigger
# it is and that the trigger starts a word. This shape is what makes the pass fast.
_TRIGGERS = re.compile(
    r"[ndu](?:"
    r"(?<=n)(?:(?<![a-z]n)ot|['’]t)(?:" + _alternation(_AFTER_NOT) + r")"
    r"|(?<=n)(?<![a-z]n)o(?:" + _alternation(_AFTER_NO) + r")"
    r"|(?<=d)(?<![a-z]d)isproportionate(?:" + _alternation(_AFTER_DISP) + r")"
    r"|(?<=u)(?<![a-z]u)navailable(?P<unavailable>\b)"
    r")"
)

# What must come just before a trigger; searched in a short window ending at the match.
_BEFORE_SUBJECT_BE = re.compile(
    r"\b"
    r"(?<!personal\s)"
    + _INFO
    + r"\b[^.;:!?]{0,160}?\b"
    + _BE
    + r"(?:\s+(?:\w+ly|therefore|currently|also|as\s+such))?\s*$"
)
_BEFORE_BE = re.compile(r"\b" + _BE + r"(?:\s+(?:\w+ly|therefore|currently|also|as\s+such))?\s*$")
_BEFORE_DO = re.compile(r"\b(?:do|does|did)\s*$")
_BEFORE_DATA_DO = re.compile(
    r"\b(?:information|data|figures|statistics|records)\s+(?:do|does|did)\s*$"
)
_BEFORE_HAS = re.compile(r"\b(?:holds?|has|have|keeps?|collects?)\s+$")
_BEFORE_EXCEED = re.compile(r"\bexceed\w*\s+the\s+$")
_BEFORE_COST = re.compile(
    r"\b(?:at|incur\w*|involv\w*|without(?:\s+incurring)?)\s+(?:an?\s+(?:\w+\s+)?)?$"
)

_NEEDS: dict[str, tuple[re.Pattern[str], ...]] = {
    "passive_recorded": (_BEFORE_BE,),
    "passive_kept": (_BEFORE_SUBJECT_BE,),
    "no_longer": (_BEFORE_SUBJECT_BE,),
    "unavailable": (_BEFORE_SUBJECT_BE,),
    "do_hold": (_BEFORE_DO,),
    "do_record": (_BEFORE_DO,),
    "data_cannot": (_BEFORE_DATA_DO,),
    "has_no": (_BEFORE_HAS,),
    "cost_threshold": (_BEFORE_EXCEED,),
    "cost": (_BEFORE_COST,),
}
_COST_KINDS = frozenset({"cost", "cost_threshold", "cost_to_obtain"})

# --- figures ---
# Numbers that are figures: not a year, not part of a date, not a reference number.
_NUMBER = re.compile(
    r"(?<![\w/.\-–])(?:£|\$|€)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:%|\s*per\s*cent)?"
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_AFTER = re.compile(r"\s*(?:st|nd|rd|th)?\s+(?:" + _MONTHS + r")\b", re.IGNORECASE)
_REF_BEFORE = re.compile(
    r"(?:\b(?:pq|question|questions|no\.?|column|col\.?|hl|uin|section|sections|part|clause|"
    r"paragraph|page|regulation|rule|article|schedule|annex|table|chapter|footnote|step)"
    r"|(?:" + _MONTHS + r"))\s*$",
    re.IGNORECASE,
)


def _figure_count(text: str, stop: int = FIGURES_THRESHOLD) -> int:
    """How many numbers in ``text`` look like figures, counting no further than ``stop``."""
    count = 0
    for match in _NUMBER.finditer(text):
        token = match.group()
        is_money_or_share = token[0] in "£$€" or token.endswith(("%", "cent"))
        if not is_money_or_share:
            if len(token) == 4 and token.isdigit() and 1800 <= int(token) <= 2099:
                continue  # a year
            if _DATE_AFTER.match(text, match.end()):
                continue  # "22 October"
            if _REF_BEFORE.search(text, max(0, match.start() - 12), match.start()):
                continue  # "Question 142767", "part 2", "October 22"
        count += 1
        if count >= stop:
            break
    return count


def _scan(text: str, want_cost: bool) -> tuple[int, bool] | None:
    """Start of the first not-held signal in lower-cased ``text`` and whether a signal is about
    cost (looked for only when ``want_cost``); None when there is no signal."""
    first: int | None = None
    for match in _TRIGGERS.finditer(text):
        kind = match.lastgroup or ""
        if kind.startswith("neg"):
            continue
        needs = _NEEDS.get(kind)
        if needs:
            start = match.start()
            window_start = max(0, start - _WINDOW)
            if not any(p.search(text, window_start, start) for p in needs):
                continue
        if first is None:
            first = match.start()
        if kind in _COST_KINDS:
            return first, True
        if not want_cost:
            return first, False
    return None if first is None else (first, False)


def _decide(answer_text: str | None, want_cost: bool) -> tuple[bool, bool]:
    if not answer_text or not isinstance(answer_text, str):
        return False, False
    text = answer_text.lower()
    found = _scan(text, want_cost)
    if found is None:
        return False, False
    first, cost = found
    if first < LEAD_CHARS:
        # An opening decline, unless figures come before it ("There were 4,512 referrals ...
        # Information on the reasons is not held"). Figures after it are a proxy.
        held = _figure_count(text[:first], LEAD_FIGURES_THRESHOLD) < LEAD_FIGURES_THRESHOLD
    else:
        held = _figure_count(text) < FIGURES_THRESHOLD
    return (True, cost) if held else (False, False)


def is_not_held(answer_text: str | None) -> bool:
    """True when an answer declines to give what was asked because the information is not held,
    not recorded or collected, not available in the form asked for, or could be obtained only at
    disproportionate cost (see the module docstring for the exact policy).

    ``answer_text`` is the answer's plain text; empty, blank or ``None`` gives False.
    """
    return _decide(answer_text, want_cost=False)[0]


def not_held_reason(answer_text: str | None) -> str | None:
    """``"disproportionate cost"`` or ``"not held"`` for a not-held answer, else ``None``.

    An answer that says both ("not held centrally and could be obtained only at
    disproportionate cost") gives ``"disproportionate cost"``, the more specific reason.
    """
    held, cost = _decide(answer_text, want_cost=True)
    if not held:
        return None
    return "disproportionate cost" if cost else "not held"
