"""The table of answering bodies, the names people use for them (``departments.json``), and the
index that resolves what people type to one of them."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import cast

from rapidfuzz import fuzz, process

from bot.core.names.candidates import (
    Candidate,
    Resolution,
    is_sure,
)
from bot.core.records import synthetic_id
from bot.core.text import fold

_SMALL_WORDS = frozenset(("and", "of", "for", "the", "on", "in"))


@dataclass(frozen=True)
class Department:
    """One answering body of ``departments.json``: the names people and sources use for it, and
    the bodies that took over its work.

    ``id`` is the Parliament API's answering body id, or None where no source gives it (the body
    then has a stable id made from its name, ``body_id``); ``headings`` are the Hansard major
    headings its answers are filed under; ``succeeded_by`` the ids of the bodies that took over a
    renamed, merged or split one; ``since``/``until`` (ISO days, optional) when it answered.
    """

    id: int | None
    name: str
    short: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    succeeded_by: tuple[int, ...] = ()
    since: str | None = None
    until: str | None = None

    @property
    def body_id(self) -> int:
        """Parliament's id, else the stable id made from the name (the same in every source)."""
        return self.id if self.id is not None else name_id(self.name)

    def names(self) -> tuple[str, ...]:
        """Every way of naming this body, folded."""
        return tuple(
            fold(n) for n in (self.name, *self.short, *self.aliases, *self.former, *self.headings)
        )

    def answered_on(self, day: str) -> bool:
        """Whether the body answered on ``day`` (ISO), as far as the table says."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day < self.until
        )


def name_id(name: str) -> int:
    """The stable id of a body Parliament gives no id, made from its name."""
    return synthetic_id("body|" + fold(name))


@cache
def department_table() -> tuple[Department, ...]:
    """Every body in ``departments.json``, read once; successors named by name get their ids."""
    names = resources.files("bot.core.names")
    raw = json.loads(names.joinpath("departments.json").read_text("utf-8"))
    items = raw["bodies"]
    ids_by_name = {
        fold(item["name"]): item["id"] if item.get("id") is not None else name_id(item["name"])
        for item in items
    }

    def successor_id(ref: int | str) -> int:
        if isinstance(ref, int):
            return ref
        if fold(ref) not in ids_by_name:
            raise ValueError(f"departments.json: succeeded_by names an unknown body {ref!r}")
        return ids_by_name[fold(ref)]

    return tuple(
        Department(
            id=item.get("id"),
            name=item["name"],
            short=tuple(item.get("short", ())),
            aliases=tuple(item.get("aliases", ())),
            former=tuple(item.get("former", ())),
            headings=tuple(item.get("headings", ())),
            succeeded_by=tuple(successor_id(r) for r in item.get("succeeded_by", ())),
            since=item.get("from"),
            until=item.get("until"),
        )
        for item in items
    )


def _heading_matches(key: str) -> list[Department]:
    """The bodies a folded heading could be, best first: Parliament's own name (modern files
    carry it), then a Hansard heading form, then any other name."""
    table = department_table()
    ranked: list[Department] = []
    for test in (
        lambda d: fold(d.name) == key,
        lambda d: key in (fold(h) for h in d.headings),
        lambda d: key in d.names() or fold(d.name).removeprefix("department for ") == key,
    ):
        ranked.extend(d for d in table if test(d) and d not in ranked)
    return ranked


@lru_cache(maxsize=16_384)  # the archive meets each heading thousands of times
def body_for_heading(heading: str, day: str | None = None) -> tuple[int, str]:
    """The answering body for a ParlParse major heading ("HOME DEPARTMENT") filed on ``day``.

    Exact matches on any known name only; where two bodies share a name (DCMS before and after
    2023), the one answering on ``day`` wins. A heading we do not know becomes a body of its own,
    with a stable id, named as the heading in title case.
    """
    key = fold(heading)
    matches = _heading_matches(key)
    if day is not None:
        matches = [d for d in matches if d.answered_on(day)] or matches
    if matches:
        return matches[0].body_id, matches[0].name
    words = " ".join(heading.split()).lower().split(" ")
    title = " ".join(
        w if w in _SMALL_WORDS and i else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
    return name_id(key), title


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

    def __init__(self, bodies: Iterable[Mapping[str, object]]) -> None:
        stored = {cast(int, b["id"]): str(b["name"]) for b in bodies if b.get("name")}
        table = department_table()
        table_ids = {d.body_id for d in table}
        by_key: dict[str, int] = {}
        for department in table:
            for name in (*department.former, *department.headings):
                by_key.setdefault(fold(name), department.body_id)
        for department in table:
            by_key[fold(department.name)] = department.body_id
        # Every stored id to the id of the body it is (``canonical``), and back (``aliases``).
        self.canonical: dict[int, int] = {}
        by_stored_name: dict[str, int] = {}
        for body_id, name in sorted(stored.items(), key=lambda item: (item[0] < 0, item[0])):
            key = fold(name)
            if body_id in table_ids:
                self.canonical[body_id] = body_id
            elif key in by_key:
                self.canonical[body_id] = by_key[key]
            else:
                self.canonical[body_id] = by_stored_name.setdefault(key, body_id)
        self.aliases: dict[int, set[int]] = defaultdict(set)
        for body_id, canonical in self.canonical.items():
            self.aliases[canonical].add(body_id)
        self.names: dict[int, str] = dict(stored)
        self.stored = set(self.canonical.values())
        self.successor: dict[int, set[int]] = defaultdict(set)
        self.abbreviations: dict[str, set[int]] = defaultdict(set)
        keys: dict[str, set[int]] = defaultdict(set)
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

    def predecessors(self, body_id: int) -> set[int]:
        """Bodies whose work ``body_id`` took over (DIT for Business and Trade), transitively."""
        found: set[int] = set()
        frontier = {self.canonical.get(body_id, body_id)}
        while frontier:
            frontier = {
                old for old, new in self.successor.items() if new & frontier
            } - found
            found |= frontier
        return found

    def family(self, body_id: int) -> tuple[int, ...]:
        """A body and every body it replaced, with every id the store holds for each: what a
        search or subscription for it covers."""
        top = self.canonical.get(body_id, body_id)
        ids = {body_id, top}
        for member in {top} | self.predecessors(top):
            ids.add(member)
            ids |= self.aliases.get(member, set())
        return (body_id, *sorted(ids - {body_id}, key=str))

    def _note(self, body_id: int) -> str:
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
        scores: dict[int, float] = {}
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
        top: int | None = ranked[0].id if ranked else None
        family = set() if top is None else {top} | self.predecessors(top) | self._successors(top)
        distinct = [c for c in ranked if c.id == top or c.id not in family]
        return Resolution(
            "department", text, ranked[:limit], is_sure(distinct), max(0, len(ranked) - limit)
        )

    def _stored_heir(self, body_id: int) -> int | None:
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

    def _successors(self, body_id: int) -> set[int]:
        found: set[int] = set()
        frontier = {body_id}
        while frontier:
            frontier = set().union(*(self.successor.get(b, set()) for b in frontier)) - found
            found |= frontier
        return found
