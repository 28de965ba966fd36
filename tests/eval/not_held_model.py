"""The features of a second "not held" design, tried and not adopted: a logistic regression over
the rule set's signals (``bot.core.reports.not_held``) and what surrounds them.

``fit_not_held.py`` fits it on the dev answers and writes its weights to
``not_held_model_weights.json``; ``score_not_held.py --model`` scores it. See README ("A second
design, fitted: not adopted") for the figures. It reads the detector's private patterns, so it
lives here with the evaluation, not in the package.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.core.reports.not_held import (
    _ADDRESSEE,
    _AFTER_SUBSTITUTE,
    _ASKS_YEARS,
    _BEFORE_CHECK,
    _BEFORE_HAS,
    _BEFORE_REQUESTED,
    _CONDITIONAL,
    _CONDITIONAL_KINDS,
    _COST_KINDS,
    _EARLIER_YEARS,
    _NAMED_KINDS,
    _NEEDS,
    _NIL_AFTER,
    _NO_ASSESSMENT,
    _TRIGGERS,
    _WINDOW,
    LEAD_CHARS,
    _decide,
    _declines_what_was_asked,
    _figure_count,
    _sentence,
    _stems,
    is_not_held,
)

_decide_rules = _decide


def _signals(text: str) -> list[tuple[str, int, int, str]]:
    """Every trigger match in lower-cased ``text`` whose grammar holds, as (kind, start, end,
    verdict). ``verdict`` is "" for a signal, or why it is not one: "neg" (a false friend such as
    "not yet available"), "substitute", "nil", "conditional" or "check". Unlike ``_scan`` it
    reads the whole text (the model's features need all of them)."""
    out: list[tuple[str, int, int, str]] = []
    for match in _TRIGGERS.finditer(text):
        kind = match.lastgroup or ""
        start, end = match.start(), match.end()
        if kind.startswith("neg"):
            out.append((kind, start, end, "neg"))
            continue
        needs = _NEEDS.get(kind)
        window_start = max(0, start - _WINDOW)
        if needs and not any(p.search(text, window_start, start) for p in needs):
            continue
        verdict = ""
        if kind == "passive_kept" and _AFTER_SUBSTITUTE.match(text, end):
            verdict = "substitute"
        elif (
            kind == "has_no"
            and "record" in match.group()
            and (not _BEFORE_HAS.search(text, window_start, start) or _NIL_AFTER.match(text, end))
        ):
            verdict = "nil"
        elif kind in _CONDITIONAL_KINDS and _CONDITIONAL.search(text, window_start, start):
            verdict = "conditional"
        elif kind in _COST_KINDS and _BEFORE_CHECK.search(text, window_start, start):
            verdict = "check"
        elif kind in _NAMED_KINDS and _BEFORE_REQUESTED.search(text, window_start, start):
            kind = "named_" + kind
        out.append((kind, start, end, verdict))
    return out


_KIND_GROUPS = {
    "cost": _COST_KINDS,
    "part": frozenset({"do_separately", "not_all", "split_by", "do_distinguish", "data_cannot"}),
    "named": frozenset({"named_passive_kept", "named_passive_recorded", "named_format"}),
    "central": frozenset({"central", "no_central"}),
    "hold": frozenset({"do_hold", "has_no", "no_info_kept", "no_longer", "do_record"}),
    "available": frozenset({"passive_kept", "unavailable"}),
    "recorded": frozenset({"passive_recorded"}),
    "format": frozenset({"format"}),
}
# The question asks for figures ("how many", "what proportion", "what the cost was").
_Q_FIGURES = re.compile(
    r"\bhow\s+(?:many|much|often)\b|\bnumber\s+of\b|\bwhat\s+(?:proportion|percentage|"
    r"(?:the\s+)?(?:total\s+|average\s+|annual\s+)?(?:cost|value|amount|level|rate|number)s?)\b"
    r"|\bwhat\s+(?:data|figures|statistics|information)\b|\bbreakdown\b|\bbroken\s+down\b"
)
_Q_ASSESSMENT = re.compile(r"\b(?:assessment|estimate|evaluation|analysis)\b")
_Q_WHETHER = re.compile(r"^(?:whether|if)\b")
# The question asks whether the department holds or collects the data.
_Q_HOLDS = re.compile(
    r"\b(?:whether|if)\b[^.?]{0,80}\b(?:holds?|collects?|records?|keeps?|monitors?|tracks?)\b"
    r"[^.?]{0,40}\b(?:data|information|figures|statistics|records?|the\s+number)\b"
)
_Q_YEARS = _ASKS_YEARS
_Q_PARTS = re.compile(
    r"\(b\)|\b(?:in|for)\s+each\b|\bby\s+(?:\w+\s+)?(?:constituency|region|age|"
    r"sex|gender|ethnicity|type|category|month|year|local\s+authority|area|force)\b"
)
# After a decline: the same measure offered on another basis ("available at regional level",
# "the available data relates to local authority level", "the figures for X are as follows").
_SUBSTITUTE_WORDS = re.compile(
    r"\b(?:is|are)\s+(?:available|published|provided|given)\s+(?:at|for|by|in)\b"
    r"|\bavailable\s+data\b|\bnearest\b|\binstead\b|\b(?:local\s+authority|regional|national|"
    r"trust|county|district)\s+level\b|\bas\s+follows\b|\bin\s+the\s+following\s+table\b"
    r"|\btable\b"
)
# A decline of a cut (an area, a unit, a form) rather than of the measure itself.
_UNIT = re.compile(
    r"\b(?:constituenc\w*|ward|wards|pct|pcts|primary\s+care\s+trusts?|key\s+stage|"
    r"local\s+authorit\w*|region\w*|format|form\s+requested|basis|level)\b"
)
# The answer goes on to give something else: "Instead, they record only the number of visitors".
_INSTEAD = re.compile(r"\b(?:instead|however|but|rather|only|nearest|closest|proxy)\b")
_PUBLISH = re.compile(r"\bpublish\w*\b|\bgov\.uk\b|https?://|www\.")
_NOT_YET = re.compile(r"\bnot\s+yet\b|\bwill\s+be\s+published\b|\bdue\s+to\s+be\s+published\b")

# Looser decline wordings, read only when an answer has no signal (``features(wide=True)``).
_WEAK = re.compile(
    r"\b(?:not|n't|un)\s*(?:able|possible)\s+to\s+(?:provide|give|identify|say|confirm|determine|"
    r"separate|break|disaggregate|supply|produce|answer)|\bcannot\s+(?:be\s+)?(?:provide|identif|"
    r"determin|break|separat|disaggregat|give|suppl|produc)|disproportionate|\bnot\s+(?:\w+ly\s+)?"
    r"(?:held|available|recorded|collected|collated|kept)\b|\bunavailable\b|\bmanual\s+(?:search|"
    r"review|exercise|trawl|check|examination|interrogation)|\bdo(?:es)?\s+not\s+(?:hold|have|"
    r"record|collect|keep)\b"
)

FEATURES = (
    "cost",
    "part",
    "named",
    "central",
    "hold",
    "available",
    "recorded",
    "format",
    "signals",
    "dropped",
    "negs",
    "lead",
    "position",
    "figures_before",
    "figures_after",
    "figures",
    "share",
    "length",
    "asked_part",
    "years",
    "no_assessment",
    "substitute",
    "publish",
    "not_yet",
    "q_figures",
    "q_assessment",
    "q_whether",
    "q_holds",
    "q_parts",
    "overlap",
    "novel",
    "unit_figures",
    "instead",
    "weak",
    "rules",
)


def features(
    answer_text: str | None, question_text: str | None = None, *, wide: bool = False
) -> list[float] | None:
    """The model's inputs for one answer, in the order of ``FEATURES``; None when the answer has
    no not-held signal at all (then it is not "not held", whatever the weights). With ``wide``,
    an answer with no signal but with a signal set aside (a substitute, a condition ...) or a
    looser decline wording ("unable to provide", "not available") has features too."""
    if not answer_text or not isinstance(answer_text, str):
        return None
    text = answer_text.lower()
    found = _signals(text)
    kept = [(k, s, e) for k, s, e, v in found if not v]
    weak = False
    if not kept and wide:
        kept = sorted(
            [(k, s, e) for k, s, e, v in found if v and v != "neg"]
            + [("weak", m.start(), m.end()) for m in _WEAK.finditer(text)],
            key=lambda t: t[1],
        )
        weak = True
    if not kept:
        return None
    kinds = {k for k, _, _ in kept}
    first = kept[0][1]
    spans = [(s, e) for _, s, e in kept]
    sentences = sorted({_sentence(text, s, e) for s, e in spans})
    size = max(len(text), 1)
    last_end = sentences[-1][1]
    declined = sum(r - left for left, r in sentences)
    after = text[last_end:]
    question = question_text.lower() if isinstance(question_text, str) else ""
    asked_q = _ADDRESSEE.sub("", question, count=1).strip()
    asked = _stems(asked_q)
    in_declines = set().union(*(_stems(text[left:r]) for left, r in sentences))
    row = [float(bool(kinds & group)) for group in _KIND_GROUPS.values()]
    row += [
        min(len(kept), 4) / 4,
        float(any(v and v != "neg" for _, _, _, v in found)),
        float(any(v == "neg" for _, _, _, v in found)),
        float(first < LEAD_CHARS),
        first / size,
        _figure_count(text[:first], 5) / 5,
        _figure_count(after, 10) / 10,
        _figure_count(text, 20) / 20,
        declined / size,
        min(math.log1p(size) / 10, 1.0),
        float(bool(question) and _declines_what_was_asked(text, question, spans)),
        float(
            bool(_ASKS_YEARS.search(question))
            and any(_EARLIER_YEARS.search(text, left, r) for left, r in sentences)
        ),
        float(bool(_NO_ASSESSMENT.search(text, 0, first))),
        float(bool(_SUBSTITUTE_WORDS.search(after))),
        float(bool(_PUBLISH.search(text))),
        float(bool(_NOT_YET.search(text))),
        float(bool(_Q_FIGURES.search(asked_q))),
        float(bool(_Q_ASSESSMENT.search(asked_q))),
        float(bool(_Q_WHETHER.match(asked_q))),
        float(bool(_Q_HOLDS.search(asked_q))),
        float(bool(_Q_PARTS.search(asked_q))),
        len(in_declines & asked) / len(asked) if asked else 0.0,
        len(in_declines - asked) / len(in_declines) if asked and in_declines else 0.0,
        float(
            any(_UNIT.search(text, left, r) for left, r in sentences)
            and _figure_count(after, 3) >= 3
        ),
        float(bool(_INSTEAD.search(after[:300]))),
        float(weak),
        float(is_not_held(answer_text, question_text)),
    ]
    return row


def model_decides(
    answer_text: str | None, question_text: str | None, weights: dict
) -> tuple[bool, bool]:
    """The fitted model's verdict and whether it is on cost, given ``weights`` as written by
    ``fit_not_held.py --write``; the rule set for an answer alone (the model was fitted with
    each answer's question)."""
    if not question_text or not isinstance(question_text, str):
        return _decide_rules(answer_text)
    row = features(answer_text, question_text, wide=weights["wide"])
    if row is None:
        return False, False
    z = weights["intercept"] + sum(
        weights["weights"].get(name, 0.0) * value for name, value in zip(FEATURES, row, strict=True)
    )
    if 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) < weights["threshold"]:
        return False, False
    cost = any(not v and k in _COST_KINDS for k, _, _, v in _signals(answer_text.lower()))
    return True, cost
