"""Finding answers: filters, ranked full-text search, and excerpts with the matched words marked.

Whatever a person types becomes a valid FTS5 query (``fts_query``): words are quoted, a phrase in
balanced double quotes stays a phrase, ``OR`` between words and a leading ``-`` are honoured,
``word*`` is a prefix; every other character is dropped. Name filters go through ``matching``
first; a name that does not resolve surely comes back as ``ambiguous`` for the caller to offer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.core.names.candidates import Candidate, Resolution
from bot.core.names.matching import Resolver
from bot.core.names.members import ROLES
from bot.core.names.options import NAME_OPTIONS
from bot.core.records import (
    ANSWERER_TAG,
    ASKER_TAG,
    BODY_TAG,
    COMMONS_TAG,
    LORDS_TAG,
    STATUSES,
    WITHDRAWN_TAG,
    QuestionRow,
    could_be_tag_word,
    status_tag,
    tag_word,
)
from bot.core.search import ranking
from bot.core.search.excerpts import make_excerpt

if TYPE_CHECKING:
    from bot.core.store.database import Store

MAX_TERMS = 24
MAX_TERM_LENGTH = 60
# Totals above this are reported as "at least", and a text search with more matches is ranked
# among the newest COUNT_CAP of them.
COUNT_CAP = 2_000
# bm25 weights: heading, question, answer. A word in the heading says most about the answer.
BM25_WEIGHTS = (10.0, 4.0, 1.0, 0.0)  # tags hold filters, not meaning
TEXT_COLUMNS = "{heading question_text answer_text}"
COLUMN_WORDS = {"heading", "question", "question_text", "answer", "answer_text", "tags"}
EITHER_MEMBER = "(q.asking_member_id = ? OR q.answering_member_id = ?)"

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*\*?", re.UNICODE)
_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


# (searcher, query, filters, text, limit, offset) -> (one page of ids, total): see meaning.py.
Fusion = Callable[["Searcher", "FtsQuery", "Filters", str, int, int], tuple[list[int], int]]


class SearchError(ValueError):
    """A search that cannot run as asked (a bad date, an unknown status); short and clear."""


@dataclass
class SearchQuery:
    """A search as asked: the text, the filters as typed, the order and the page."""

    text: str = ""
    asked_by: str | None = None
    answered_by: str | None = None
    member: str | None = None
    department: str | None = None
    house: str | None = None
    since: date | None = None
    until: date | None = None
    status: str | None = None
    sort: str = "relevance"  # or "newest"
    limit: int = 5
    offset: int = 0
    # Names a person picked from a "did you mean" list: option -> entity id, used as resolved.
    pinned: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SearchQuery:
        """The query ``as_json`` saved (keys it does not know are ignored)."""
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for key in ("since", "until"):
            if values.get(key):
                values[key] = date.fromisoformat(values[key])
        return cls(**values)

    def as_json(self) -> dict[str, object]:
        """The query as JSON: days as ISO dates, ``pinned`` only when there is one."""
        return {
            "text": self.text,
            "asked_by": self.asked_by,
            "answered_by": self.answered_by,
            "member": self.member,
            "department": self.department,
            "house": self.house,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "status": self.status,
            "sort": self.sort,
            "limit": self.limit,
            "offset": self.offset,
            **({"pinned": self.pinned} if self.pinned else {}),
        }


@dataclass
class SearchResult:
    """One question found: its stored row, and an excerpt with the searched words in bold."""

    row: QuestionRow
    excerpt: str


@dataclass
class SearchOutcome:
    """A search's answer: how each name option resolved (or which are ambiguous), the total matches,
    and one page of results."""

    query: SearchQuery
    resolved: dict[str, Resolution | None] = field(default_factory=dict)
    ambiguous: dict[str, Resolution] = field(default_factory=dict)
    total: int = 0
    total_is_estimate: bool = False
    ranked_recent_only: bool = False  # a broad query: ranked among the newest matches only
    results: list[SearchResult] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FtsQuery:
    """What ``fts_query`` makes of a text: an FTS5 expression and its words."""

    expression: str  # for MATCH; "" when the text had no searchable words
    terms: tuple[str, ...]  # positive words, for excerpts and cost estimates
    phrases: tuple[str, ...] = ()  # positive quoted phrases, for ranking a window by column


def _clean_word(word: str) -> str:
    return word[:MAX_TERM_LENGTH]


def _phrase(words: list[str], prefix: bool = False) -> str:
    """One quoted phrase, kept to the text columns only when it could match a tag word.

    A column filter on every word would be simpler, but it doubles the cost of bm25's first
    step (counting the documents that hold each word, over the word's whole list): 110 ms
    instead of 51 ms for three common words at a million questions."""
    phrase = '"' + " ".join(words) + '"' + ("*" if prefix else "")
    if any(could_be_tag_word(w, prefix and i == len(words) - 1) for i, w in enumerate(words)):
        return f"{TEXT_COLUMNS} : {phrase}"
    return phrase


def fts_query(text: str) -> FtsQuery:
    """Turn anything a person types into a safe FTS5 expression (see the module docstring)."""
    clauses: list[str] = []
    negatives: list[str] = []
    terms: list[str] = []
    positive: list[str] = []
    pending_or = False
    text = text.replace("\x00", " ")
    if text.count('"') % 2:  # an unbalanced quote is just a character
        text = text.replace('"', " ")
    for phrase, bare in _TOKEN.findall(text[:6000]):
        if len(clauses) + len(negatives) >= MAX_TERMS:
            break
        if phrase:
            words = [_clean_word(w.rstrip("*")) for w in _WORD.findall(phrase)]
            if not words:
                continue
            clause = _phrase(words)
            terms.extend(words)
            negate = False
        else:
            if bare == "OR" and clauses:
                pending_or = True
                continue
            if bare.strip("()") in ("AND", "OR", "NOT", "NEAR"):
                continue
            negate = bare.startswith("-") and len(bare) > 1
            parts = []
            # "heading:schools" (FTS5 column syntax) means schools; "covid-19" or "o'hara" typed
            # as one token is a phrase.
            pieces = bare.split(":")
            if len(pieces) > 1 and pieces[0].lower().lstrip("-{(") in COLUMN_WORDS:
                pieces = pieces[1:]
            for piece in pieces:
                words = _WORD.findall(piece)
                if len(words) == 1:
                    word = words[0]
                    prefix = word.endswith("*") and len(word) > 2
                    word = _clean_word(word.rstrip("*"))
                    parts.append(_phrase([word], prefix))
                    found = [word]
                elif words:
                    found = [_clean_word(w.rstrip("*")) for w in words[:MAX_TERMS]]
                    parts.append(_phrase(found))
                else:
                    continue
                if not negate:
                    terms.extend(found)
            if not parts:
                continue
            clause = parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
        if negate:
            negatives.append(clause)
            pending_or = False
            continue
        positive.extend(ranking.phrases(clause))
        if pending_or and clauses:
            clauses[-1] = f"({clauses[-1]} OR {clause})"
        else:
            clauses.append(clause)
        pending_or = False
    if not clauses:
        return FtsQuery("", ())
    expression = " AND ".join(clauses)
    for clause in negatives:
        expression += f" NOT {clause}"
    return FtsQuery(expression, tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(positive)))


def parse_day_option(value: str | None, name: str) -> date | None:
    """Dates as people type them: 2024-01-31, 31/01/2024, 31 Jan 2024, 31 January 2024."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    from datetime import datetime

    for pattern in (
        "%Y-%m-%d",
        "%d/%m/%Y",
        "%d-%m-%Y",
        "%d.%m.%Y",
        "%d %b %Y",
        "%d %B %Y",
        "%d %b, %Y",
        "%b %d %Y",
        "%B %d %Y",
        "%Y/%m/%d",
    ):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise SearchError(f"{name}: {text[:40]!r} is not a date I understand (try 2024-01-31)")


def check_query(query: SearchQuery) -> None:
    """Raise ``SearchError`` for options no search can run with (an unknown status, dates the
    wrong way round)."""
    if query.status and query.status not in STATUSES:
        raise SearchError(f"status must be one of {', '.join(STATUSES)}")
    if query.sort not in ("relevance", "newest"):
        raise SearchError("sort must be relevance or newest")
    if query.since and query.until and query.since > query.until:
        raise SearchError(f"since ({query.since}) is after until ({query.until})")


class Searcher:
    """Search over a store, resolving names with a ``Resolver`` built from the same store."""

    def __init__(self, store: Store, resolver: Resolver, fusion: Fusion | None = None) -> None:
        self.store = store
        self.resolver = resolver
        self.fusion = fusion  # a ranking by meaning to fuse with bm25's (meaning.py), or None

    def resolve_names(self, query: SearchQuery) -> SearchOutcome:
        """Check the options and resolve the name filters, from memory; no search yet."""
        outcome = SearchOutcome(query)
        check_query(query)
        for name_option in NAME_OPTIONS:
            option, kind = name_option.name, name_option.kind
            text = getattr(query, option)
            if option in query.pinned:
                outcome.resolved[option] = self._pinned(kind, option, text, query.pinned[option])
                continue
            if not text or not text.strip():
                outcome.resolved[option] = None
                continue
            role = option if option in ROLES else None  # asked_by prefers askers ...
            resolution = self.resolver.resolve(kind, text[:200], role=role)
            outcome.resolved[option] = resolution
            if resolution.best is None:
                outcome.ambiguous[option] = resolution
        return outcome

    def search(self, query: SearchQuery) -> SearchOutcome:
        """Run ``query``: one page of results and the total; no search at all when a name is
        ambiguous (see ``SearchOutcome.ambiguous``)."""
        outcome = self.resolve_names(query)
        if outcome.ambiguous:
            return outcome

        filters = self._filters(query, outcome)
        fts = fts_query(query.text or "")
        outcome.terms = list(fts.terms)
        limit = max(1, min(query.limit, 100))
        offset = max(0, query.offset)
        if fts.expression and self.fusion is not None and query.sort == "relevance":
            ids, total = self.fusion(self, fts, filters, query.text, limit, offset)
        elif fts.expression:
            ids, total = self._ranked_ids(fts, filters, query.sort, limit, offset)
        else:
            ids, total = self._listed_ids(filters, limit, offset)
        outcome.total = min(total, COUNT_CAP)
        outcome.total_is_estimate = total > COUNT_CAP
        # Over the cap, a text search was ranked among its newest COUNT_CAP matches only.
        outcome.ranked_recent_only = bool(fts.expression) and outcome.total_is_estimate
        for qid in ids:
            row = self.store.question(qid)
            if row is not None:
                outcome.results.append(SearchResult(row, make_excerpt(row, outcome.terms)))
        return outcome

    def _pinned(self, kind: str, option: str, text: str | None, entity_id: Any) -> Resolution:
        names = (
            self.resolver.members.members.get(entity_id, {}).get("name")
            if kind == "member"
            else self.resolver.departments.names.get(entity_id)
        )
        chosen = Candidate(entity_id, names or str(entity_id), 100.0)
        return Resolution(kind, text or "", [chosen], sure=True)

    def _filters(self, query: SearchQuery, outcome: SearchOutcome) -> Filters:
        """The filters twice over: SQL on the questions table (for lists without text), and
        words of the index's ``tags`` column (for text searches; see records.question_tags)."""
        filters = Filters([("q.is_withdrawn = 0", [])], [])

        def resolved_id(option: str) -> Any:
            resolution = outcome.resolved.get(option)
            return resolution.best.id if resolution and resolution.best else None

        def tag(prefix: str, value: Any) -> str:
            return f'"{tag_word(prefix, value)}"'

        def member_filter(option: str, columns: tuple[str, ...], tags: tuple[str, ...]) -> None:
            if (member_id := resolved_id(option)) is None:
                return
            ids = list(self.resolver.members.family(member_id))  # one person, every source
            if len(ids) == 1 and len(columns) == 2:
                filters.add(EITHER_MEMBER, [member_id, member_id],
                            f"({tag(ASKER_TAG, member_id)} OR {tag(ANSWERER_TAG, member_id)})")
                return
            if len(ids) == 1:
                filters.add(f"q.{columns[0]} = ?", ids, tag(tags[0], member_id))
                return
            marks = ",".join("?" * len(ids))
            filters.add("(" + " OR ".join(f"q.{c} IN ({marks})" for c in columns) + ")",
                        ids * len(columns),
                        "(" + " OR ".join(tag(t, i) for t in tags for i in ids) + ")")

        member_filter("asked_by", ("asking_member_id",), (ASKER_TAG,))
        member_filter("answered_by", ("answering_member_id",), (ANSWERER_TAG,))
        member_filter("member", ("asking_member_id", "answering_member_id"),
                      (ASKER_TAG, ANSWERER_TAG))
        if (body_id := resolved_id("department")) is not None:
            ids = list(self.resolver.departments.family(body_id))
            filters.add(f"q.answering_body_id IN ({','.join('?' * len(ids))})", ids,
                        "(" + " OR ".join(tag(BODY_TAG, i) for i in ids) + ")")
        if query.house:
            house = query.house.strip().capitalize()
            if house not in ("Commons", "Lords"):
                raise SearchError("house must be Commons or Lords")
            # Most questions are Commons ones and most are answered: those filters are cheaper
            # as "not the rare others" than as a word found in nine documents out of ten.
            if house == "Lords":
                filters.add("q.house = ?", [house], f'"{LORDS_TAG}"')
            else:
                filters.add("q.house = ?", [house], exclude=f'"{LORDS_TAG}"')
        if query.status == "answered":
            others = [f'"{status_tag(s)}"' for s in STATUSES if s != "answered"]
            filters.add("q.status = ?", [query.status], exclude=" OR ".join(others))
        elif query.status:
            filters.add("q.status = ?", [query.status], f'"{status_tag(query.status)}"')
        # Dates are not words: they stay SQL, checked on each match.
        if query.since:
            filters.since = query.since.isoformat()
            filters.add("q.date_answered >= ?", [filters.since])
        if query.until:
            filters.until = query.until.isoformat()
            filters.add("q.date_answered <= ?", [filters.until])
        return filters

    def _listed_ids(self, filters: Filters, limit: int, offset: int) -> tuple[list[int], int]:
        """Ids of one page of questions matching filters alone, newest answer first, and the
        total (up to COUNT_CAP + 1)."""
        conn = self.store.conn
        if filters.dated:
            total = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM questions q WHERE "
                f"{' AND '.join(filters.where)} LIMIT ?)",
                [*filters.params, COUNT_CAP + 1],
            ).fetchone()[0]
        else:  # the filters as words: counted from the index alone, no row reads
            wanted = " AND ".join(filters.tags) or f'("{COMMONS_TAG}" OR "{LORDS_TAG}")'
            total = conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM questions_fts WHERE questions_fts "
                "MATCH ? LIMIT ?)",
                [f"(tags : ({wanted})) NOT (tags : ({filters.not_wanted()}))", COUNT_CAP + 1],
            ).fetchone()[0]
        newest = "ORDER BY date_answered DESC, id DESC"
        either = [params[0] for sql, params in filters.conditions if sql == EITHER_MEMBER]
        if not either:
            sql = f"SELECT id FROM questions q WHERE {' AND '.join(filters.where)} {newest}"
            params = filters.params
        else:
            # "Asked or answered by" read as one OR walks every question of the member and
            # sorts them (30 ms for 6,000); each side alone is read in order from its index.
            others = [(c, p) for c, p in filters.conditions if c != EITHER_MEMBER]
            rest = "".join(f" AND {c}" for c, _ in others)
            rest_params = [p for _, ps in others for p in ps]
            sides = [
                f"SELECT * FROM (SELECT id, date_answered FROM questions q WHERE q.{column} = ?"
                f"{rest} {newest} LIMIT {offset + limit})"
                for column in ("asking_member_id", "answering_member_id")
            ]
            sql = f"SELECT id FROM ({' UNION '.join(sides)}) {newest}"
            params = [either[0], *rest_params] * 2
        ids = [r[0] for r in conn.execute(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset])]
        return ids, total

    def _ranked_ids(
        self, fts: FtsQuery, filters: Filters, sort: str, limit: int, offset: int
    ) -> tuple[list[int], int]:
        """Ids of one page of text matches, and the total (up to COUNT_CAP + 1).

        Text and filters are one FTS5 expression: the words in the text columns, the filters in
        ``tags``, withdrawn questions left out; only date ranges need the questions table,
        joined with the index driving (CROSS JOIN fixes that order).

        One pass reads the newest COUNT_CAP + 1 matches with their bm25 scores (rowid order is
        free in FTS5, and ids grow with time): that is the total, or says it is over the cap,
        and it is the window a broad query is ranked in. Ranking every match of a word found in
        most answers costs seconds at a million questions; counting, finding the window and
        ranking it as three queries read the index three times. bm25 is asked for only when
        its counting of each phrase's documents stays within ``ranking.RANK_BUDGET``; over it,
        the window is ranked by the columns holding each word (see ``ranking``).
        """
        conn = self.store.conn
        match = self._match(fts, filters)
        if match is None:
            return [], 0
        expression, source, condition, params = match
        exact = sort != "newest" and ranking.within_budget(conn, expression)
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        score = f", bm25(questions_fts, {weights})" if exact else ""
        matches = conn.execute(
            f"SELECT f.rowid{score} {source} "
            f"WHERE questions_fts MATCH ?{condition} ORDER BY f.rowid DESC LIMIT ?",
            [expression, *params, COUNT_CAP + 1],
        ).fetchall()
        window = [r[0] for r in matches[:COUNT_CAP]]
        if sort == "newest":
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM questions WHERE id IN (SELECT value FROM json_each(?)) "
                "ORDER BY date_answered DESC, id DESC LIMIT ? OFFSET ?",
                [json.dumps(window), limit, offset])]
        elif exact:
            ranked = sorted(matches[:COUNT_CAP], key=lambda m: (m[1], -m[0]))  # best, newest
            ids = [rowid for rowid, _ in ranked[offset : offset + limit]]
        else:  # bm25 would read whole doclists: the window's heading matches first, newest
            first = ranking.in_heading(conn, expression, fts.phrases, window)
            window.sort(key=lambda rowid: (rowid not in first, -rowid))
            ids = window[offset : offset + limit]
        return ids, len(matches)


    def _match(
        self, fts: FtsQuery, filters: Filters
    ) -> tuple[str, str, str, list[Any]] | None:
        """A text search's FTS5 expression (text and filters), its FROM clause, its SQL
        condition (date ranges) and their parameters; None when no question is answered in
        the date range."""
        expression = f"({fts.expression})"  # text words cannot match tags: see _phrase
        if filters.tags:
            expression += " AND (tags : (" + " AND ".join(filters.tags) + "))"
        expression = f"({expression}) NOT (tags : ({filters.not_wanted()}))"
        if not filters.dated:
            return expression, "FROM questions_fts f", "", []
        # The index is read newest first and knows no dates: without an id range, a
        # "since" search would check the date of every older match too.
        bounds = self.store.answered_id_bounds(filters.since, filters.until)
        if bounds is None:
            return None
        condition = (f" AND f.rowid BETWEEN {int(bounds[0])} AND {int(bounds[1])} AND "
                     + " AND ".join(filters.where))
        return (expression, "FROM questions_fts f CROSS JOIN questions q ON q.id = f.rowid",
                condition, filters.params)

    def stream(
        self, query: SearchQuery, batch: int = 500
    ) -> tuple[SearchOutcome, Iterator[SearchResult]]:
        """Every match of ``query``, not one page, read from one cursor in batches of
        ``batch`` (for exports: memory does not grow with the matches). The outcome says how
        the names resolved (nothing is searched when one is ambiguous); its ``total`` is not
        counted. Unlike ``search``, a text search sorted by relevance ranks every match, not
        only the newest ``COUNT_CAP``; ``query.limit`` and ``offset`` are ignored."""
        outcome = self.resolve_names(query)
        if outcome.ambiguous:
            return outcome, iter(())
        filters = self._filters(query, outcome)
        fts = fts_query(query.text or "")
        outcome.terms = list(fts.terms)
        return outcome, self._stream(fts, filters, query.sort, outcome.terms, batch)

    def _stream(self, fts: FtsQuery, filters: Filters, sort: str, terms: list[str],
                batch: int) -> Iterator[SearchResult]:
        newest = "ORDER BY q.date_answered DESC, q.id DESC"
        if not fts.expression:
            sql = f"SELECT q.id FROM questions q WHERE {' AND '.join(filters.where)} {newest}"
            params: list[Any] = filters.params
        else:
            match = self._match(fts, filters)
            if match is None:
                return
            expression, source, condition, rest = match
            if sort == "newest":
                source = "FROM questions_fts f CROSS JOIN questions q ON q.id = f.rowid"
                order = newest
            else:
                weights = ", ".join(str(w) for w in BM25_WEIGHTS)
                order = f"ORDER BY bm25(questions_fts, {weights}), f.rowid DESC"
            sql = f"SELECT f.rowid {source} WHERE questions_fts MATCH ?{condition} {order}"
            params = [expression, *rest]
        cursor = self.store.conn.execute(sql, params)
        while ids := [r[0] for r in cursor.fetchmany(batch)]:
            rows = {row["id"]: row for row in self.store.question_rows(
                f"SELECT * FROM questions WHERE id IN ({','.join('?' * len(ids))})", ids)}
            for qid in ids:
                if (row := rows.get(qid)) is not None:
                    yield SearchResult(row, make_excerpt(row, terms))

@dataclass
class Filters:
    """A search's filters twice over: SQL conditions on the questions table ``q``, and FTS5 clauses
    on the index's ``tags`` column (dates are SQL only)."""

    conditions: list[tuple[str, list[Any]]]  # SQL conditions on questions q, with parameters
    tags: list[str]  # FTS5 clauses on the tags column, all required
    since: str | None = None  # answered on or after, ISO day
    until: str | None = None
    excluded: list[str] = field(default_factory=list)  # FTS5 clauses that must not match

    @property
    def dated(self) -> bool:
        """Whether a date range is set."""
        return bool(self.since or self.until)

    @property
    def where(self) -> list[str]:
        """The SQL conditions, without their parameters."""
        return [sql for sql, _ in self.conditions]

    @property
    def params(self) -> list[Any]:
        """The parameters of every SQL condition, in order."""
        return [p for _, params in self.conditions for p in params]

    def add(
        self, sql: str, params: list[Any], tag: str | None = None, exclude: str | None = None
    ) -> None:
        """Add an SQL condition, with the ``tags`` clause a match needs and the one it must not
        have, when they exist."""
        self.conditions.append((sql, params))
        if tag:
            self.tags.append(tag)
        if exclude:
            self.excluded.append(exclude)

    def not_wanted(self) -> str:
        """What a match must not have: withdrawn, and the excluded filter words."""
        return " OR ".join([f'"{WITHDRAWN_TAG}"', *self.excluded])
