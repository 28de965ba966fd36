"""Resolving what people type to members, departments and topics, from memory, with rapidfuzz.

Each index is built once from the store (``Resolver.from_store``) and rebuilt after an ingest;
queries never touch the database. A resolution returns ranked candidates with scores (0-100) and
says whether it is sure; when it is not, callers offer the candidates instead of guessing.
Autocomplete uses the same ranking.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from bot.departments import department_table
from bot.records import synthetic_id
from bot.text import fold

if TYPE_CHECKING:
    from bot.store import Store

KINDS = ("member", "department", "topic")
AUTOCOMPLETE_LIMIT = 25
SURE_SCORE = 88.0
SURE_MARGIN = 6.0
MAX_TOPIC_CANDIDATES = 400

# Words that say who someone is rather than which one: dropped from names and queries.
HONORIFICS = frozenset(
    (
        "mr mrs ms miss mx dr sir dame rt hon right honourable the mp kc qc cbe obe mbe frs "
        "lord baroness lady viscount viscountess earl countess marquess duke bishop professor prof"
    ).split()
)
PEER_TITLES = frozenset(
    "lord baroness lady viscount viscountess earl countess marquess duke bishop".split()
)
COMMONER_TITLES = frozenset("mr mrs ms miss mx mp".split())
_PEER_TITLE = re.compile(
    r"^(?:the )?(lord|baroness|lady|viscount|viscountess|earl|countess|marquess|duke)\b"
)


@dataclass(frozen=True)
class Candidate:
    """One ranked match: its id, the name to show, a score from 0 to 100, and a note that tells it
    from others."""

    id: Any  # member or body id (int); the heading itself for topics
    name: str
    score: float
    note: str = ""  # a few words that tell candidates apart: party, house, count

    def as_json(self) -> dict[str, Any]:
        """The candidate as JSON: id, name and score (to one decimal)."""
        return {"id": self.id, "name": self.name, "score": round(self.score, 1)}


@dataclass(frozen=True)
class Resolution:
    """What some text resolved to: the candidates, best first, and whether the first is sure."""

    kind: str
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    sure: bool = False

    @property
    def best(self) -> Candidate | None:
        """The match, when the resolution is sure of it."""
        return self.candidates[0] if self.sure and self.candidates else None

    def as_json(self) -> dict[str, Any]:
        """The resolution as JSON (``resolve --json``)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "sure": self.sure,
            "candidates": [c.as_json() for c in self.candidates],
        }


def _is_sure(ranked: list[Candidate]) -> bool:
    if not ranked or ranked[0].score < SURE_SCORE:
        return False
    return len(ranked) == 1 or ranked[0].score - ranked[1].score >= SURE_MARGIN


def person_key(text: str) -> str:
    """A name as a comparison key: folded, honorifics gone, "Surname, First" turned round."""
    if "," in text:
        surname, _, rest = text.partition(",")
        rest_words = [w for w in fold(rest).split() if w not in HONORIFICS and len(w) > 1]
        text = " ".join([*rest_words, surname])
    return " ".join(w for w in fold(text).split() if w not in HONORIFICS)


def _member_variants(name: str | None, list_as: str | None) -> tuple[set[str], set[str]]:
    """(full-name keys, surname-only keys) for one member."""
    full: set[str] = set()
    surnames: set[str] = set()
    for raw in filter(None, (name, list_as)):
        key = person_key(raw)
        if not key:
            continue
        full.add(key)
        peer = _PEER_TITLE.match(fold(raw)) or (", " in raw and raw.rstrip().endswith("."))
        if peer and " of " in f" {key} ":
            # "Agnew of Oulton": people say "Lord Agnew" or just "Agnew".
            surnames.add(key.split(" of ")[0].strip())
        elif peer:
            surnames.add(key)
        else:
            surnames.add(key.split()[-1])
            if "," in raw:
                full.add(fold(raw.partition(",")[0]) + " " + " ".join(key.split()[:-1]))
    return full, surnames


class WordIndex:
    """Which items hold which words, for looking at the few items that share a word (or a
    near spelling, a prefix, a stem) with a query instead of comparing it with every item."""

    def __init__(self) -> None:
        self._postings: dict[str, set[Any]] = defaultdict(set)
        self._by_stem: dict[str, set[str]] = defaultdict(set)
        self._vocabulary: list[str] = []

    def add(self, item: Any, words: Iterable[str]) -> None:
        """Record that ``item`` holds each of ``words``."""
        for word in words:
            self._postings[word].add(item)
            self._by_stem[stem(word)].add(word)

    def freeze(self) -> None:
        """Sort the vocabulary for prefix lookups; call once the last item is added."""
        self._vocabulary = sorted(self._postings)

    def items(self, word: str) -> set[Any]:
        """The items that hold exactly ``word``."""
        return self._postings.get(word, set())

    def similar_words(self, word: str, cutoff: float = 75) -> dict[str, float]:
        """Words like ``word``, with how alike (0-100): the same stem ("vaccine",
        "vaccination"), words it starts (what autocomplete sees mid-word), near spellings."""
        found: dict[str, float] = dict.fromkeys(self._by_stem.get(stem(word), ()), 100.0)
        if word in self._postings:
            found[word] = 100.0
        if word:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start : start + 200]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, 95.0)
        for candidate, score, _ in process.extract(
            word, self._vocabulary, scorer=fuzz.ratio, limit=12, score_cutoff=cutoff
        ):
            found.setdefault(candidate, score)
        return found


class MemberIndex:
    """Members found by name: full names, surnames, peers' territorial titles and near spellings,
    with titles typed ("Mr", "Baroness") telling the Houses apart."""

    def __init__(self, members: Iterable[dict[str, Any]]) -> None:
        self.members: dict[int, dict[str, Any]] = {}
        self.exact: dict[str, set[int]] = defaultdict(set)
        self.surname: dict[str, set[int]] = defaultdict(set)
        keys: dict[str, set[int]] = defaultdict(set)
        for member in members:
            if not member.get("name"):
                continue
            self.members[member["id"]] = member
            full, surnames = _member_variants(member["name"], member.get("list_as"))
            for key in full:
                self.exact[key].add(member["id"])
                keys[key].add(member["id"])
            for key in surnames:
                self.surname[key].add(member["id"])
                keys[key].add(member["id"])
        self._keys = list(keys)
        self._key_ids = [keys[k] for k in self._keys]
        self._words = WordIndex()
        for position, key in enumerate(self._keys):
            self._words.add(position, [*key.split(), key.replace(" ", "")])
        self._words.freeze()

    def _note(self, member_id: int) -> str:
        m = self.members[member_id]
        parts = [
            p for p in (m.get("party_abbreviation") or m.get("party"), m.get("member_from")) if p
        ]
        return ", ".join(parts) or (m.get("house") or "")

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        """Rank the members ``text`` could name, best first."""
        query = person_key(text)
        if not query:
            return Resolution("member", text)
        scores: dict[int, float] = {}

        def offer(position: int, score: float) -> None:
            for member_id in self._key_ids[position]:
                if score > scores.get(member_id, 0):
                    scores[member_id] = score

        for member_id in self.exact.get(query, ()):
            scores[member_id] = 100.0
        for member_id in self.surname.get(query, ()):
            scores[member_id] = max(scores.get(member_id, 0), 96.0)
        # Keys sharing a word, or something like one, with the query; then rank them whole.
        positions: set[int] = set()
        prefixed: set[int] = set()
        for word in {*query.split(), query.replace(" ", "")}:
            for similar in self._words.similar_words(word, cutoff=70):
                positions |= self._words.items(similar)
                if similar.startswith(query):  # what autocomplete sees while typing
                    prefixed |= self._words.items(similar)
        ordered = sorted(positions)
        query_words = query.split()
        for key, score, found in process.extract(
            query,
            [self._keys[p] for p in ordered],
            scorer=fuzz.WRatio,
            limit=max(limit * 4, 40),
            score_cutoff=55,
        ):
            key_words = key.split()
            # Every word typed is in the name ("Imran Khan" for "Imran Ahmad Khan").
            if len(query_words) > 1 and all(
                any(k == w or (len(w) >= 3 and k.startswith(w)) for k in key_words)
                for w in query_words
            ):
                score = max(score, 94.0)
            offer(ordered[found], min(score, 99.0))
        for position in prefixed:
            offer(position, 86.0 + min(10.0, len(query)))
        self._apply_title_hints(text, scores)
        ranked = sorted(
            (Candidate(i, self.members[i]["name"], s, self._note(i)) for i, s in scores.items()),
            key=lambda c: (-c.score, c.name),
        )
        return Resolution("member", text, ranked[:limit], _is_sure(ranked))

    def _apply_title_hints(self, text: str, scores: dict[int, float]) -> None:
        """A title typed says which House: "Mr Wallace" is not Lord Wallace of Saltaire, and
        "Baroness Jones" is not Andrew Jones. Titles never add a candidate, only reorder."""
        words = set(fold(text).split())
        peer_titles = words & PEER_TITLES
        commoner = bool(words & COMMONER_TITLES)
        if not peer_titles and not commoner:
            return
        for member_id, score in scores.items():
            name_words = fold(self.members[member_id]["name"]).split()
            title = (
                name_words[1]
                if name_words[:1] == ["the"] and len(name_words) > 1
                else (name_words[0] if name_words else "")
            )
            is_peer = title in PEER_TITLES or self.members[member_id].get("house") == "Lords"
            fits = title in peer_titles if peer_titles else not is_peer
            scores[member_id] = min(100.0, score + 2.0) if fits else max(0.0, score - 8.0)


def _department_keys(name: str) -> set[str]:
    key = fold(name)
    keys = {key}
    for prefix in ("department for ", "department of ", "ministry of ", "office of the ", "hm "):
        if key.startswith(prefix):
            keys.add(key.removeprefix(prefix))
    return keys


class DepartmentIndex:
    """Answering bodies found by name, abbreviation, alias or former name: those stored and those of
    ``departments.json``, with which body replaced which."""

    def __init__(self, bodies: Iterable[dict[str, Any]]) -> None:
        stored = {b["id"]: b["name"] for b in bodies if b.get("name")}
        by_name = {fold(name): body_id for body_id, name in stored.items()}
        self.names: dict[Any, str] = dict(stored)
        self.stored = set(stored)
        self.successor: dict[Any, Any] = {}
        self.abbreviations: dict[str, set[Any]] = defaultdict(set)
        keys: dict[str, set[Any]] = defaultdict(set)
        for department in department_table():
            body_id = department.id
            if body_id is None:
                body_id = by_name.get(
                    fold(department.name), synthetic_id("body|" + fold(department.name))
                )
            self.names.setdefault(body_id, department.name)
            if department.succeeded_by is not None:
                self.successor[body_id] = department.succeeded_by
            for short in department.short:
                self.abbreviations[fold(short)].add(body_id)
            for name in (department.name, *department.former):
                for key in _department_keys(name):
                    keys[key].add(body_id)
            for alias in department.aliases:
                keys[fold(alias)].add(body_id)
        for body_id, name in stored.items():
            for key in _department_keys(name):
                keys[key].add(body_id)
        self.exact = keys
        self._keys = list(keys)
        self._key_ids = [keys[k] for k in self._keys]

    def predecessors(self, body_id: Any) -> set[Any]:
        """Bodies whose work ``body_id`` took over (DIT for Business and Trade), transitively."""
        found: set[Any] = set()
        frontier = {body_id}
        while frontier:
            frontier = {old for old, new in self.successor.items() if new in frontier} - found
            found |= frontier
        return found

    def family(self, body_id: Any) -> tuple[Any, ...]:
        """A body and every body it replaced: what a search or subscription for it covers."""
        return (body_id, *sorted(self.predecessors(body_id), key=str))

    def _note(self, body_id: Any) -> str:
        successor = self.successor.get(body_id)
        if successor is not None and successor in self.names:
            return f"now {self.names[successor]}"
        return ""

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        """Rank the bodies ``text`` could name, best first; a body matching alongside its renamed
        successor or predecessors does not make the resolution unsure."""
        query = fold(text)
        if not query:
            return Resolution("department", text)
        scores: dict[Any, float] = {}
        for body_id in self.abbreviations.get(query.replace(" ", ""), ()):
            scores[body_id] = 100.0
        for body_id in self.exact.get(query, ()):
            scores[body_id] = 100.0
        for key, score, index in process.extract(
            query, self._keys, scorer=fuzz.WRatio, limit=max(limit * 4, 40), score_cutoff=55
        ):
            if key.startswith(query) or any(w.startswith(query) for w in key.split()):
                score = max(score, 80.0 + min(15.0, len(query)))
            for body_id in self._key_ids[index]:
                if score > scores.get(body_id, 0):
                    scores[body_id] = min(score, 99.0)
        # A body with answers in the store beats a name-alike from the table with none.
        for body_id in scores:
            if body_id not in self.stored:
                scores[body_id] = max(0.0, scores[body_id] - 3.0)
        ranked = sorted(
            (Candidate(i, self.names[i], s, self._note(i)) for i, s in scores.items()),
            key=lambda c: (-c.score, c.name),
        )
        # "DCMS" names a body and its renamed successor: that is not a reason to ask.
        top = ranked[0].id if ranked else None
        family = {top} | self.predecessors(top) | self._successors(top)
        distinct = [c for c in ranked if c.id == top or c.id not in family]
        return Resolution("department", text, ranked[:limit], _is_sure(distinct))

    def _successors(self, body_id: Any) -> set[Any]:
        found: set[Any] = set()
        while (body_id := self.successor.get(body_id)) is not None and body_id not in found:
            found.add(body_id)
        return found


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s", "e", "y")


def stem(word: str) -> str:
    """A light stemmer: "vaccination", "vaccines", "vaccine" -> "vaccin"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


class TopicIndex:
    """Headings, found by their words (see ``WordIndex``)."""

    def __init__(self, headings: Iterable[tuple[Any, ...]]) -> None:
        """``headings``: (heading, how many questions[, id of its newest question])."""
        self.headings: list[str] = []
        self.counts: list[int] = []
        self.latest: dict[str, Any] = {}
        self._exact: dict[str, int] = {}
        self._index = WordIndex()
        self._words: list[frozenset[str]] = []
        for heading, count, *latest in headings:
            heading = heading.strip()
            if not heading or fold(heading) in self._exact:
                continue
            if latest:
                self.latest[heading] = latest[0]
            index = len(self.headings)
            self._exact[fold(heading)] = index
            self.headings.append(heading)
            self.counts.append(count)
            words = frozenset(fold(heading).split())
            self._words.append(words)
            self._index.add(index, words)
        self._index.freeze()

    def _score(self, words: list[str]) -> dict[int, float]:
        similar = [self._index.similar_words(w) for w in words]
        candidates: set[int] = set()
        for found in similar:
            for word in found:
                candidates |= self._index.items(word)
        if len(candidates) > MAX_TOPIC_CANDIDATES:
            # A word or two letters found in thousands of headings: score the most used.
            candidates = set(
                sorted(candidates, key=lambda i: -self.counts[i])[:MAX_TOPIC_CANDIDATES]
            )
        scores: dict[int, float] = {}
        for index in candidates:
            heading_words = self._words[index]
            best = [
                max((found.get(h) or fuzz.ratio(w, h) for h in heading_words), default=0.0)
                for w, found in zip(words, similar, strict=True)
            ]
            coverage = sum(best) / len(best)
            # Words of the heading the query did not ask for rank it lower; popularity breaks
            # ties among equally good headings.
            unmatched = sum(1 for h in heading_words if not any(h in f for f in similar))
            score = coverage - 1.5 * unmatched + min(2.0, self.counts[index] / 1000)
            if score >= 50:
                scores[index] = min(99.0, score)
        return scores

    def resolve(self, text: str, limit: int = 5) -> Resolution:
        """Rank the headings that hold the words of ``text`` (or their stems, starts or near
        spellings), best first."""
        words = list(dict.fromkeys(fold(text).split()))[:12]
        if not words:
            return Resolution("topic", text)
        scores = self._score(words)
        if len(words) > 1:  # "bed bugs" for "Bedbugs"
            for index, score in self._score(["".join(words)]).items():
                scores[index] = max(score, scores.get(index, 0.0))
        if (exact := self._exact.get(fold(text))) is not None:
            scores[exact] = 100.0
        ranked = sorted(
            (
                Candidate(self.headings[i], self.headings[i], s,
                          f"{self.counts[i]:,} question" + ("" if self.counts[i] == 1 else "s"))
                for i, s in scores.items()
            ),
            key=lambda c: (-c.score, c.name),
        )
        return Resolution("topic", text, ranked[:limit], _is_sure(ranked))


class Resolver:
    """The three indexes together; ``resolve`` and ``autocomplete`` for each kind."""

    def __init__(self, members: MemberIndex, departments: DepartmentIndex, topics: TopicIndex):
        self.members = members
        self.departments = departments
        self.topics = topics

    @classmethod
    def empty(cls) -> Resolver:
        """A resolver that knows no one yet (the bot's, until its indexes are read)."""
        return cls(MemberIndex([]), DepartmentIndex([]), TopicIndex([]))

    @classmethod
    def from_store(cls, store: Store) -> Resolver:
        """The indexes of everything in ``store`` (about a second at a million questions)."""
        conn = store.conn
        members = store.rows(
            "SELECT id, name, list_as, party, party_abbreviation, member_from, house FROM members"
        )
        bodies = [
            {"id": i, "name": n} for i, n in conn.execute("SELECT id, name FROM answering_bodies")
        ]
        headings = conn.execute(
            "SELECT heading, count(*), max(id) FROM questions WHERE heading != '' GROUP BY heading"
        ).fetchall()
        return cls(MemberIndex(members), DepartmentIndex(bodies), TopicIndex(headings))

    def resolve(self, kind: str, text: str, limit: int = 5) -> Resolution:
        """Resolve ``text`` as a ``kind``: member, department or topic (else ``ValueError``)."""
        if kind == "member":
            return self.members.resolve(text, limit)
        if kind == "department":
            return self.departments.resolve(text, limit)
        if kind == "topic":
            return self.topics.resolve(text, limit)
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")

    def autocomplete(self, kind: str, text: str) -> list[Candidate]:
        """At most 25 choices, best first; the same ranking as ``resolve``."""
        return self.resolve(kind, text[:200], AUTOCOMPLETE_LIMIT).candidates
