"""Resolving what people type to members, departments and topics, from memory, with rapidfuzz.

Each index is built once from the store (``Resolver.from_store``) and rebuilt after an ingest;
queries never touch the database. A resolution returns ranked candidates with scores (0-100) and
says whether it is sure; when it is not, callers offer the candidates instead of guessing.
Autocomplete uses the same ranking.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from bot.core.names.departments import department_table
from bot.core.text import fold


class HasConnection(Protocol):
    """What the indexes read a store through (``Store`` is one); named here, not imported, so
    the store can use names without an import cycle."""

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection."""
        ...

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
STYLES = frozenset("dr sir dame professor prof".split())
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
    """What some text resolved to: the candidates, best first, whether the first is sure, and how
    many more matched than are listed (``more``: say "and N more")."""

    kind: str
    text: str
    candidates: list[Candidate] = field(default_factory=list)
    sure: bool = False
    more: int = 0

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
            "more": self.more,
        }


ROLES = ("asked_by", "answered_by")


@dataclass(frozen=True)
class Activity:
    """What a member did in the store: questions asked, questions answered, and the last and
    first days seen doing either (ISO, "" when unknown). Breaks ties between equally good names,
    and tells two people of one name apart."""

    asked: int = 0
    answered: int = 0
    latest: str = ""
    first: str = ""  # the first day one of them was answered ("" when unknown)

    def weight(self, role: str | None) -> int:
        """How much the member did in ``role`` ("asked_by", "answered_by"; None: either)."""
        if role == "asked_by":
            return self.asked
        if role == "answered_by":
            return self.answered
        return self.asked + self.answered


NO_ACTIVITY = Activity()


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

    def __init__(
        self,
        members: Iterable[dict[str, Any]],
        activity: dict[int, Activity] | None = None,
    ) -> None:
        """``activity``: what each member did in the store, to rank equally good names and to
        see one person in two sources (``member_identities``): a ParlParse speaker who is a
        Parliament member is no candidate of their own, and ``family`` gives both ids."""
        members = [m for m in members if m.get("name")]
        activity = dict(activity or {})
        self.canonical = member_identities(members, activity)
        self.aliases: dict[int, set[int]] = defaultdict(set)
        for alias, member_id in self.canonical.items():
            self.aliases[member_id].add(alias)
            done, more = activity.get(member_id, NO_ACTIVITY), activity.get(alias, NO_ACTIVITY)
            firsts = [d for d in (done.first, more.first) if d]
            activity[member_id] = Activity(
                done.asked + more.asked, done.answered + more.answered,
                max(done.latest, more.latest), min(firsts) if firsts else "",
            )
        self.activity = activity
        self.members: dict[int, dict[str, Any]] = {}
        self.exact: dict[str, set[int]] = defaultdict(set)
        self.surname: dict[str, set[int]] = defaultdict(set)
        keys: dict[str, set[int]] = defaultdict(set)
        for member in members:
            self.members[member["id"]] = member
            if member["id"] in self.canonical:
                continue
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

    def family(self, member_id: int) -> tuple[int, ...]:
        """Every id one person has in the store (a Parliament member and the ParlParse speakers
        that are them), ``member_id`` first: what a search for them covers."""
        top = self.canonical.get(member_id, member_id)
        ids = {top} | self.aliases.get(top, set())
        return (member_id, *sorted(ids - {member_id}))

    def _note(self, member_id: int) -> str:
        m = self.members[member_id]
        parts = [
            p for p in (m.get("party_abbreviation") or m.get("party"), m.get("member_from")) if p
        ]
        return ", ".join(parts) or (m.get("house") or "")

    def resolve(self, text: str, limit: int = 5, role: str | None = None) -> Resolution:
        """Rank the members ``text`` could name, best first. Among equally good names the one
        likelier meant comes first: more questions in the store in ``role`` ("asked_by" counts
        questions asked, "answered_by" answered, None both), then seen more recently."""
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

        def likelihood(c: Candidate) -> tuple[float, int, str]:
            done = self.activity.get(c.id, NO_ACTIVITY)
            return (round(c.score, 1), done.weight(role), done.latest)

        ranked = sorted(
            (Candidate(i, self.members[i]["name"], s, self._note(i)) for i, s in scores.items()),
            key=lambda c: c.name,
        )
        ranked.sort(key=likelihood, reverse=True)
        return Resolution(
            "member", text, ranked[:limit], _is_sure(ranked), max(0, len(ranked) - limit)
        )

    def _apply_title_hints(self, text: str, scores: dict[int, float]) -> None:
        """A title typed says which House: "Mr Wallace" is not Lord Wallace of Saltaire, and
        "Baroness Jones" is not Andrew Jones; a style typed ("Dr Davies") prefers the members
        who carry it. Titles never add a candidate, only reorder."""
        words = set(fold(text).split())
        styles = words & STYLES
        if styles:
            for member_id, score in scores.items():
                if styles & set(fold(self.members[member_id]["name"]).split()):
                    scores[member_id] = min(100.0, score + 1.0)
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
    """Answering bodies found by name, abbreviation, alias, Hansard heading or former name: those
    stored and those of ``departments.json``, with which body replaced which.

    One body is one candidate however many ids the store holds for it: a stored body whose name
    is one of a table body's names (a store loaded before the table knew Parliament's id, or an
    id the table lacks) is folded into that body, and stored bodies of one name into one.
    """

    def __init__(self, bodies: Iterable[dict[str, Any]]) -> None:
        stored = {b["id"]: b["name"] for b in bodies if b.get("name")}
        table = department_table()
        table_ids = {d.body_id for d in table}
        by_key: dict[str, Any] = {}
        for department in table:
            for name in (*department.former, *department.headings):
                by_key.setdefault(fold(name), department.body_id)
        for department in table:
            by_key[fold(department.name)] = department.body_id
        # Every stored id to the id of the body it is (``canonical``), and back (``aliases``).
        self.canonical: dict[Any, Any] = {}
        by_stored_name: dict[str, Any] = {}
        for body_id, name in sorted(stored.items(), key=lambda item: (item[0] < 0, item[0])):
            key = fold(name)
            if body_id in table_ids:
                self.canonical[body_id] = body_id
            elif key in by_key:
                self.canonical[body_id] = by_key[key]
            else:
                self.canonical[body_id] = by_stored_name.setdefault(key, body_id)
        self.aliases: dict[Any, set[Any]] = defaultdict(set)
        for body_id, canonical in self.canonical.items():
            self.aliases[canonical].add(body_id)
        self.names: dict[Any, str] = dict(stored)
        self.stored = set(self.canonical.values())
        self.successor: dict[Any, set[Any]] = defaultdict(set)
        self.abbreviations: dict[str, set[Any]] = defaultdict(set)
        keys: dict[str, set[Any]] = defaultdict(set)
        for department in table:
            body_id = department.body_id
            self.names.setdefault(body_id, department.name)
            self.successor[body_id].update(department.succeeded_by)
            for short in department.short:
                self.abbreviations[fold(short)].add(body_id)
            for name in (department.name, *department.former):
                for key in _department_keys(name):
                    keys[key].add(body_id)
            for alias in (*department.aliases, *department.headings):
                keys[fold(alias)].add(body_id)
        for body_id, name in stored.items():
            for key in _department_keys(name):
                keys[key].add(self.canonical[body_id])
        self.exact = keys
        self._keys = list(keys)
        self._key_ids = [keys[k] for k in self._keys]

    def predecessors(self, body_id: Any) -> set[Any]:
        """Bodies whose work ``body_id`` took over (DIT for Business and Trade), transitively."""
        found: set[Any] = set()
        frontier = {self.canonical.get(body_id, body_id)}
        while frontier:
            frontier = {
                old for old, new in self.successor.items() if new & frontier
            } - found
            found |= frontier
        return found

    def family(self, body_id: Any) -> tuple[Any, ...]:
        """A body and every body it replaced, with every id the store holds for each: what a
        search or subscription for it covers."""
        top = self.canonical.get(body_id, body_id)
        ids = {body_id, top}
        for member in {top} | self.predecessors(top):
            ids.add(member)
            ids |= self.aliases.get(member, set())
        return (body_id, *sorted(ids - {body_id}, key=str))

    def _note(self, body_id: Any) -> str:
        successors = [
            s for s in sorted(self.successor.get(body_id, ()), key=str) if s in self.names
        ]
        if successors:
            return "now " + ", ".join(self.names[s] for s in successors)
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
        # A body with answers in the store beats a name-alike from the table with none; a name
        # typed exactly still beats a longer one ("Leader of the House ..." of Lords).
        for body_id in scores:
            if body_id not in self.stored:
                penalty = 1.0 if scores[body_id] >= 100.0 else 3.0
                scores[body_id] = max(0.0, scores[body_id] - penalty)
        # A former body with no answers stored means its one stored successor, whose search
        # covers it ("DFID" in a store of FCDO answers).
        for body_id in [b for b in scores if b not in self.stored]:
            heir = self._stored_heir(body_id)
            if heir is not None:
                scores[heir] = max(scores.get(heir, 0.0), scores.pop(body_id))
        ranked = sorted(
            (Candidate(i, self.names[i], s, self._note(i)) for i, s in scores.items()),
            key=lambda c: (-c.score, c.name),
        )
        # "DCMS" names a body and its renamed successor: that is not a reason to ask.
        top = ranked[0].id if ranked else None
        family = {top} | self.predecessors(top) | self._successors(top)
        distinct = [c for c in ranked if c.id == top or c.id not in family]
        return Resolution(
            "department", text, ranked[:limit], _is_sure(distinct), max(0, len(ranked) - limit)
        )

    def _stored_heir(self, body_id: Any) -> Any:
        """The stored body that took over ``body_id`` through a chain of single successors."""
        seen = {body_id}
        while len(successors := self.successor.get(body_id, set())) == 1:
            (body_id,) = successors
            if body_id in self.stored:
                return body_id
            if body_id in seen:
                return None
            seen.add(body_id)
        return None

    def _successors(self, body_id: Any) -> set[Any]:
        found: set[Any] = set()
        frontier = {body_id}
        while frontier:
            frontier = set().union(*(self.successor.get(b, set()) for b in frontier)) - found
            found |= frontier
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
        return Resolution(
            "topic", text, ranked[:limit], _is_sure(ranked), max(0, len(ranked) - limit)
        )


def member_activity(store: HasConnection) -> dict[int, Activity]:
    """Every member's questions asked and answered in ``store``, and the last day one of them was
    answered. Read from the two member indexes alone (0.4 s at a million questions, where
    reading the rows took 3 to 5)."""
    return member_activity_of(store.conn)


def member_activity_of(conn: sqlite3.Connection) -> dict[int, Activity]:
    """``member_activity`` of a store's connection (for migrations, which have no ``Store``)."""
    counts: dict[int, list[Any]] = {}
    for position, column in enumerate(("asking_member_id", "answering_member_id")):
        rows = conn.execute(
            f"SELECT {column}, count(*), max(date_answered), min(date_answered) FROM questions "
            f"WHERE {column} IS NOT NULL GROUP BY {column}"
        )
        for member_id, count, latest, first in rows:
            entry = counts.setdefault(member_id, [0, 0, "", ""])
            entry[position] = count
            entry[2] = max(entry[2], latest or "")
            if first and (not entry[3] or first < entry[3]):
                entry[3] = first
    return {member_id: Activity(*entry) for member_id, entry in counts.items()}


def identity_key(member: dict[str, Any]) -> str:
    """What two records of one person share: the House and the name, honorifics gone but a
    peer's title kept (Lord Jones is not Baroness Jones); initials are kept too (Jonathan R Shaw
    is not matched to Jonathan Shaw: a miss is safer than merging two people)."""
    words = fold(member.get("name") or "").split()
    if words[:1] == ["the"]:
        words = words[1:]
    house = member.get("house") or ""
    if house == "Lords" or (words and words[0] in PEER_TITLES):
        key = " ".join(words)
    else:
        key = person_key(member.get("name") or "")
    return f"{house}|{key}" if key else ""


def _overlap(a: Activity, b: Activity) -> bool:
    return not (a.latest < b.first or b.latest < a.first)


def member_identities(
    members: Iterable[dict[str, Any]], activity: dict[int, Activity]
) -> dict[int, int]:
    """ParlParse speakers (negative ids) -> the Parliament member (positive id) each is.

    A careful match, never merging two people: the same House and name (``identity_key``),
    exactly one Parliament member of that name, and the ParlParse records of that name never
    active at the same time (two speakers of one name in one period are two people, as the two
    Gareth Thomases of 1997-2005 were: then nothing of that name is merged). ParlParse gives a
    member a new id each Parliament, so several speakers of one name may be one person.
    """
    groups: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for member in members:
        key = identity_key(member)
        if key and isinstance(member.get("id"), int):
            groups[key][member["id"] < 0].append(member["id"])
    found: dict[int, int] = {}
    for parliament, speakers in groups.values():
        if len(parliament) != 1 or not speakers:
            continue
        spans = [activity.get(s) for s in speakers]
        if len(speakers) > 1 and (
            any(span is None or not span.first for span in spans)
            or any(
                _overlap(a, b)  # type: ignore[arg-type]
                for i, a in enumerate(spans) for b in spans[i + 1:]
            )
        ):
            continue
        for speaker in speakers:
            found[speaker] = parliament[0]
    return found


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
    def from_store(cls, store: HasConnection) -> Resolver:
        """The indexes of everything in ``store`` (1.4 s at a million questions, 0.4 s of it
        counting each member's questions)."""
        conn = store.conn
        cursor = conn.execute(
            "SELECT id, name, list_as, party, party_abbreviation, member_from, house FROM members"
        )
        names = [d[0] for d in cursor.description]
        members = [dict(zip(names, row, strict=True)) for row in cursor]
        activity = member_activity(store)
        bodies = [
            {"id": i, "name": n} for i, n in conn.execute("SELECT id, name FROM answering_bodies")
        ]
        headings = conn.execute(
            "SELECT heading, count(*), max(id) FROM questions WHERE heading != '' GROUP BY heading"
        ).fetchall()
        return cls(
            MemberIndex(members, activity), DepartmentIndex(bodies), TopicIndex(headings)
        )

    def resolve(
        self, kind: str, text: str, limit: int = 5, role: str | None = None
    ) -> Resolution:
        """Resolve ``text`` as a ``kind``: member, department or topic (else ``ValueError``);
        ``role`` ("asked_by", "answered_by") says what a member is looked for as."""
        if kind == "member":
            return self.members.resolve(text, limit, role)
        if kind == "department":
            return self.departments.resolve(text, limit)
        if kind == "topic":
            return self.topics.resolve(text, limit)
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")

    def autocomplete(self, kind: str, text: str) -> list[Candidate]:
        """At most 25 choices, best first; the same ranking as ``resolve``."""
        return self.resolve(kind, text[:200], AUTOCOMPLETE_LIMIT).candidates
