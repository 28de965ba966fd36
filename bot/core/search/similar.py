"""Similar questions: "has this been asked before?"

The lexical way, always there, is bm25 "more like this" over the full-text index's heading and
question columns:

1. the question's (or a draft's) words, the addressee ("To ask the Secretary of State for
   Health and Social Care,") and stop words left out;
2. each word's rarity read from the index itself (how many questions hold it, counted from its
   doclist up to a cap; words are stemmed as the index stems them, through an ``fts5vocab`` of a
   scratch index), the rarest kept first, within a budget of matching questions so that a
   common word never makes the query read most of the index;
3. those words ORed into one FTS5 expression (quoted by ``fulltext.fts_query``: no user text
   reaches FTS5 syntax unescaped), ranked by bm25, heading worth twice the question text; a
   second, narrow query finds the same asker's questions with those words, so a repeat by the
   same member is never crowded out of the window;
4. each candidate marked when it is a near-repeat (``near_repeat_kind``), near-repeats first.

The question itself is never among its results. ``meaning`` (embeddings, when a model is
configured) fuses with this ranking by reciprocal rank; see ``bot.core.search.meaning``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from bot.core.records import ASKER_TAG, QuestionRow, could_be_tag_word, tag_word
from bot.core.search.fulltext import fts_query
from bot.core.search.ranking import count_matches, remember
from bot.core.text import cut_at_word, fold

if TYPE_CHECKING:
    from bot.core.store.database import Store

# bm25 weights: heading, question, answer, tags. Answers are not compared: two questions are
# alike by what they ask.
SIMILAR_WEIGHTS = (2.0, 1.0, 0.0, 0.0)
MAX_TERMS = 10  # words ORed into the query, the rarest first
# bm25 is computed for every match of the ORed words (some 10 us each): their matches between
# them stay within this budget, so a question never costs more than about 100 ms.
DOC_BUDGET = 8_000
MIN_TERMS = 3  # kept even over the budget, so a question of common words still finds some ...
TERM_CAP = 25_000  # ... unless a word is in more questions than this (the rarest one always)
STEM_CACHE = 100_000
_STEMS: dict[str, str] = {}
# How many questions hold a common stem, remembered: a count a little out of date ranks the same.
_DOCS: dict[str, int] = {}
WINDOW = 60  # candidates ranked by bm25 before near-repeats are marked and moved up
# Reciprocal rank fusion's k for bm25 and meaning here: small, so that meaning's nearest few
# are not pushed below ten by questions that bm25 and meaning both place low (a draft that
# shares no key word with what it rewords); and meaning's ranking counts twice bm25's. Both
# chosen on the paraphrases' dev half only; see tests/eval/README.md.
SIMILAR_FUSE_K = 5
MEANING_WEIGHT = 2.0
ALIKE = 80.0  # rapidfuzz token_sort_ratio of the addressee-free texts: a near-repeat
ANSWER_START = 200
MAX_DRAFT = 4000

NEAR_SAME_TEXT = "same text, another department"
NEAR_ASKED_AGAIN = "asked again"
NEAR_ALIKE = "80% alike"

# Words that say nothing about the subject: English stop words and the forms every written
# question is made of ("what assessment his Department has made of ...").
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them themselves then
    there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours shall may might must upon per via
    ask asks asked secretary state minister ministers department departments government
    governments majesty majestys hm his her their steps step taking take taken takes assessment
    assessments made make making makes whether plans plan planned potential merits merit
    pursuant answer answered question questions uin reference referring hon member members
    recent discussions discussion held hold holds many much number numbers proportion what
    ensure ensuring support supporting provide providing provided ways way give giving given
    including include includes includes each year years since last current currently
    place placed policy policies further consider considered considering introduce
    introducing bring bringing impact impacts effect effects role level levels among amongst
    within without across towards toward around
    """.split()
)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# "To ask the Secretary of State for Education," / "To ask His Majesty's Government" / "To ask
# the Minister for Women and Equalities,": who is asked, which a repeat to another department
# changes and nothing else.
# An addressee may hold commas ("Foreign, Commonwealth and Development Affairs"): it ends at
# the first comma followed by a word a question starts with, else at the first comma.
_ADDRESSEE = re.compile(
    r"^\s*to\s+ask\s+(?:(?:his|her)\s+majesty['’]?s\s+government\b,?"
    r"|the\s+[^?]{1,160}?,(?=\s*(?:(?:what|how|if|whether|when|which|who|why|where|for|with|"
    r"pursuant|further|following|in|on|to|by|as|at|and|given)\b|\(\w{1,4}\)))"
    r"|the\s+[^,?]{1,160}?,)\s*",
    re.IGNORECASE,
)
_NON_ASCII_WORD = re.compile(r"[^0-9a-z]+")
_APOSTROPHE = re.compile(r"[`']")
_PRONOUN = re.compile(r"\b(?:his|her|their|its)\b")
_LAPSED = re.compile(
    r"not\s+(?:proved\s+|been\s+)?possible\s+to\s+(?:respond|answer|reply).{0,120}?"
    r"before\s+(?:the\s+)?(?:prorogation|dissolution)",
    re.IGNORECASE,
)


class SimilarError(ValueError):
    """A request that cannot run: no words to compare, or a question not stored."""


@dataclass
class SimilarResult:
    """One similar question: its row, how alike (higher is closer), and whether it is a
    near-repeat (one of the ``NEAR_*`` kinds) or None."""

    row: QuestionRow
    score: float
    near_repeat: str | None = None


@dataclass
class SimilarOutcome:
    """The questions most like one question (``question``) or a draft (``text``)."""

    question: QuestionRow | None
    text: str
    results: list[SimilarResult] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # the words the lexical query used
    method: str = "lexical"  # or "fused" when a model's ranking was fused in


@dataclass(frozen=True)
class Term:
    """A query word, and how many questions hold its stem."""

    word: str
    stem: str
    docs: int


# A second ranking to fuse with bm25's (meaning, from embeddings): given the question's id (or
# None) and the text, the ids of the nearest questions, nearest first.
Neighbours = Callable[[int | None, str], Sequence[int]]


def question_body(text: str) -> str:
    """A question's text without its addressee ("To ask the Secretary of State for X,")."""
    return _ADDRESSEE.sub("", text or "", count=1)


def comparable(text: str) -> str:
    """The form two questions are compared in: addressee gone, folded, his/her/their as one."""
    body = question_body(text)
    # text.fold, without its Unicode decomposition for the plain ASCII most questions are.
    folded = (_NON_ASCII_WORD.sub(" ", _APOSTROPHE.sub("", body.lower())) if body.isascii()
              else fold(body))
    return " ".join(_PRONOUN.sub("x", folded).split())


def display_status(row: QuestionRow) -> str:
    """What became of a question: withdrawn, lapsed (fell at a prorogation or dissolution
    without an answer), else its stored status (answered, holding, corrected, unanswered)."""
    if row["is_withdrawn"]:
        return "withdrawn"
    if _LAPSED.search((row["answer_text"] or "")[:600]):
        return "lapsed"
    return row["status"]


def near_repeat_kind(
    text: str, asker: int | None, body: int | None, row: Mapping[str, Any],
    folded: str | None = None,
) -> str | None:
    """Whether ``row`` repeats a question of ``text`` asked by ``asker`` of ``body``: the same
    words to another department, the same asked again, or at least 80% alike by words (a draft
    has no asker: only the last can hold). None when it is not a near-repeat."""
    mine = folded if folded is not None else comparable(text)
    theirs = comparable(row["question_text"])
    if not mine or not theirs:
        return None
    if mine == theirs and asker is not None and asker == row["asking_member_id"]:
        return NEAR_SAME_TEXT if body != row["answering_body_id"] else NEAR_ASKED_AGAIN
    if fuzz.token_sort_ratio(mine, theirs) >= ALIKE:
        return NEAR_ALIKE
    return None


def _words(*texts: str) -> list[str]:
    """The distinct candidate words of the texts, in order: no stop words, no numbers, no
    one-letter words, nothing that could be an index tag."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(text[:MAX_DRAFT]):
            key = fold(word).replace(" ", "")
            if (len(key) < 2 or key.isdigit() or key in STOP_WORDS or key in seen
                    or could_be_tag_word(key)):
                continue
            seen[key] = None
    return list(seen)


def _ensure_vocab(conn: sqlite3.Connection) -> None:
    """This connection's temporary tables: a scratch index with the store's tokenizer, and its
    vocabulary, to stem words as the index does."""
    if conn.execute(
        "SELECT 1 FROM sqlite_temp_master WHERE name = 'similar_words'"
    ).fetchone():
        return
    conn.executescript(
        """
        CREATE VIRTUAL TABLE temp.similar_words USING fts5(
            word, tokenize='porter unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE temp.similar_stems USING fts5vocab(temp, similar_words, instance);
        """
    )


def stems(store: Store, words: Sequence[str]) -> dict[str, str]:
    """Each word's stem as the index's tokenizer makes it (words it drops are left out),
    remembered across calls: a stem never changes."""
    unknown = [w for w in dict.fromkeys(words) if w not in _STEMS]
    if unknown:
        conn = store.conn
        _ensure_vocab(conn)
        conn.executemany("INSERT INTO temp.similar_words(rowid, word) VALUES (?, ?)",
                         list(enumerate(unknown)))
        found: dict[int, str] = {}
        for term, doc in conn.execute("SELECT term, doc FROM temp.similar_stems"):
            found.setdefault(doc, term)
        conn.execute("DELETE FROM temp.similar_words")
        if len(_STEMS) > STEM_CACHE:
            _STEMS.clear()
        for index, word in enumerate(unknown):
            _STEMS[word] = found.get(index, "")
    return {w: _STEMS[w] for w in words if _STEMS.get(w)}


def rarity(store: Store, words: Sequence[str]) -> list[Term]:
    """Each word's stem and the number of questions holding it (counted up to TERM_CAP + 1:
    only the doclist is read, the first TERM_CAP + 1 entries at most), rarest first; words no
    question holds are left out (they cannot match)."""
    if not words:
        return []
    _ensure_vocab(store.conn)
    stem_of = stems(store, words)
    found: dict[str, Term] = {}
    for word in words:
        stem = stem_of.get(word)
        if not stem or stem in found:
            continue
        count = _DOCS.get(stem)
        if count is None:
            expression = fts_query(word).expression
            if not expression:
                continue
            count = count_matches(store.conn, expression, TERM_CAP + 1)
            if count > 50:  # a rare word's count changes with every question that uses it
                remember(_DOCS, stem, count, STEM_CACHE)
        if count:
            found[stem] = Term(word, stem, count)
    return sorted(found.values(), key=lambda t: (t.docs, t.word))


def choose_terms(terms: Sequence[Term]) -> list[Term]:
    """The rarest words, at most MAX_TERMS, while their matches stay within DOC_BUDGET (the
    MIN_TERMS rarest always, unless one is in more than TERM_CAP questions; the rarest one
    always)."""
    chosen: list[Term] = []
    total = 0
    for term in terms:
        if len(chosen) >= MAX_TERMS:
            break
        if chosen and term.docs > TERM_CAP:
            break
        if len(chosen) >= MIN_TERMS and total + term.docs > DOC_BUDGET:
            break
        chosen.append(term)
        total += term.docs
    return chosen


def _match_expression(terms: Sequence[Term]) -> str:
    """The words ORed, as ``fulltext.fts_query`` quotes them, kept to heading and question."""
    expression = fts_query(" OR ".join(t.word for t in terms)).expression
    return f"{{heading question_text}} : ({expression})" if expression else ""


def lexical_ranking(
    store: Store, terms: Sequence[Term], exclude: int | None, asker: int | None,
    window: int = WINDOW,
) -> list[tuple[int, float]]:
    """(id, score) of the questions most like the words, best first, ``exclude`` left out;
    with ``asker``, that member's questions with those words are added (ranked by the same
    score) so a repeat is found however many others share the words."""
    expression = _match_expression(terms)
    if not expression:
        return []
    weights = ", ".join(str(w) for w in SIMILAR_WEIGHTS)
    sql = (
        f"SELECT rowid, -bm25(questions_fts, {weights}) AS score FROM questions_fts "
        "WHERE questions_fts MATCH ? AND rowid != ? ORDER BY score DESC LIMIT ?"
    )
    skip = exclude if exclude is not None else 0
    found = dict(store.conn.execute(sql, (expression, skip, window)).fetchall())
    if asker is not None:
        own = f'({expression}) AND (tags : "{tag_word(ASKER_TAG, int(asker))}")'
        for rowid, score in store.conn.execute(sql, (own, skip, window)):
            found.setdefault(rowid, score)
    return sorted(found.items(), key=lambda item: (-item[1], -item[0]))


def fuse(rankings: Sequence[Sequence[int]], k: int = 60, weights: Sequence[float] = ()
         ) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: each id scores the sum of weight / (k + rank) over the rankings
    it is in (rank from 1; weights 1 unless given, one per ranking); best first, ties to the
    newest (largest) id. A smaller ``k`` lets each ranking's first few count for more than
    agreement far down both."""
    scores: dict[int, float] = {}
    for n, ranking in enumerate(rankings):
        weight = weights[n] if n < len(weights) else 1.0
        for rank, qid in enumerate(ranking, start=1):
            scores[qid] = scores.get(qid, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], -item[0]))


def looks_like_reference(text: str) -> bool:
    """Whether a text is an id or a UIN ("1679416", "HL1234", "12345") rather than a draft."""
    return re.fullmatch(r"\s*(?:-?\d{1,12}|[Hh][Ll]\d{1,8})\s*", text) is not None


def find_similar(
    store: Store,
    id_or_text: str | int,
    limit: int = 5,
    neighbours: Neighbours | None = None,
) -> SimilarOutcome:
    """The questions most like a stored question (by id or UIN) or a draft's text, near-repeats
    first, never the question itself. ``neighbours`` adds a ranking by meaning, fused with
    bm25's. Raises ``SimilarError`` for an id or UIN not stored, or a text with no words."""
    limit = max(1, min(int(limit), 50))
    text = str(id_or_text)
    question: QuestionRow | None = None
    if looks_like_reference(text):
        question = store.question(text.strip())
        if question is None:
            raise SimilarError(f"No question with id or UIN {text.strip()[:20]!r} is stored.")
    if question is not None:
        heading, body_text = question["heading"], question["question_text"]
        asker, body, exclude = (question["asking_member_id"], question["answering_body_id"],
                                question["id"])
    else:
        heading, body_text = "", " ".join(text.split())[:MAX_DRAFT]
        asker = body = exclude = None
    words = _words(heading, question_body(body_text))
    if not words:
        raise SimilarError("Give a question's id or UIN, or a few words of a question.")
    chosen = choose_terms(rarity(store, words))
    outcome = SimilarOutcome(question, body_text, terms=[t.word for t in chosen])
    window = max(WINDOW, limit * 4)
    lexical = lexical_ranking(store, chosen, exclude, asker, window) if chosen else []
    scores = dict(lexical)
    ranked = [qid for qid, _ in lexical]
    if neighbours is not None:
        semantic = [q for q in neighbours(exclude, body_text if question else text)
                    if q != exclude][:window]
        if semantic:
            outcome.method = "fused"
            fused = fuse([ranked, semantic], SIMILAR_FUSE_K, (1.0, MEANING_WEIGHT))
            scores = dict(fused)
            ranked = [qid for qid, _ in fused]
    folded = comparable(body_text)
    window_ids = [q for q in ranked[:window] if q != exclude]
    marks = ",".join("?" * len(window_ids))
    brief = {r[0]: {"asking_member_id": r[1], "answering_body_id": r[2], "question_text": r[3]}
             for r in store.conn.execute(
                 "SELECT id, asking_member_id, answering_body_id, question_text FROM questions "
                 f"WHERE id IN ({marks})", window_ids)} if window_ids else {}
    marked = [(qid, near_repeat_kind(body_text, asker, body, brief[qid], folded))
              for qid in window_ids if qid in brief]
    marked.sort(key=lambda item: item[1] is None)  # stable: near-repeats first, in order
    results: list[SimilarResult] = []
    for qid, kind in marked[:limit]:
        row = store.question(qid)
        if row is not None:
            results.append(SimilarResult(row, round(scores[qid], 4), kind))
    outcome.results = results
    return outcome


def answer_start(row: QuestionRow, limit: int = ANSWER_START) -> str:
    """The start of the answer, cut at a word; "" when there is none."""
    return cut_at_word(" ".join((row["answer_text"] or "").split()), limit)


def similar_json(store: Store, outcome: SimilarOutcome) -> dict[str, Any]:
    """``similar --json``: ``{"query": {"id"} | {"text"}, "results": [...]}``, the README's
    shape exactly (``similar_rows`` adds what a display shows)."""
    from bot.core.search.render import body_ref, member_ref

    query: dict[str, Any] = (
        {"id": outcome.question["id"]} if outcome.question is not None else {"text": outcome.text}
    )
    return {
        "query": query,
        "results": [
            {
                "id": r.row["id"],
                "uin": r.row["uin"],
                "house": r.row["house"],
                "heading": r.row["heading"],
                "department": body_ref(store, r.row["answering_body_id"]),
                "asked_by": member_ref(store, r.row["asking_member_id"]),
                "date_tabled": r.row["date_tabled"],
                "status": display_status(r.row),
                "score": r.score,
                "near_repeat": r.near_repeat,
            }
            for r in outcome.results
        ],
    }


def similar_rows(store: Store, outcome: SimilarOutcome) -> list[dict[str, Any]]:
    """The results as a display shows them: the JSON fields, ``date_answered``,
    ``answer_start``, and ``earlier`` (tabled before the question asked about; None for a
    draft)."""
    rows = similar_json(store, outcome)["results"]
    asked = outcome.question["date_tabled"] if outcome.question is not None else None
    for data, result in zip(rows, outcome.results, strict=True):
        data["answer_start"] = answer_start(result.row)
        data["date_answered"] = result.row["date_answered"]
        tabled = data["date_tabled"]
        data["earlier"] = (tabled < asked) if (asked and tabled) else None
    return rows


def similar_table(rows: list[dict[str, Any]]) -> str:
    """``similar`` on a terminal: one block per result (``similar_rows``)."""
    if not rows:
        return "No similar questions found."
    lines: list[str] = []
    for r in rows:
        who = (r["asked_by"] or {}).get("name", "—")
        dept = (r["department"] or {}).get("name", "—")
        mark = f"  [near-repeat: {r['near_repeat']}]" if r["near_repeat"] else ""
        lines.append(
            f"{r['heading'] or '(no heading)'} · {r['house']} {r['uin']} · id {r['id']}{mark}"
        )
        lines.append(f"  {who} → {dept} · tabled {r['date_tabled'] or '?'} · {r['status']}"
                     f" · score {r['score']}")
        if r["answer_start"]:
            lines.append(f"  {r['answer_start']}")
        lines.append("")
    return "\n".join(lines).rstrip()
