"""Members by name: the member index (names, titles, typos, roles and activity) and the
careful match that tells when two stored members are one person."""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from bot.core.names.candidates import (
    Candidate,
    Resolution,
    WordIndex,
    is_sure,
)
from bot.core.store import name_counts
from bot.core.text import fold


class HasConnection(Protocol):
    """What the indexes read a store through (``Store`` is one); named here, not imported, so
    the store can use names without an import cycle."""

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection."""
        ...


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
                positions.update(self._words.items(similar))
                if similar.startswith(query):  # what autocomplete sees while typing
                    prefixed.update(self._words.items(similar))
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
            "member", text, ranked[:limit], is_sure(ranked), max(0, len(ranked) - limit)
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


def member_activity(store: HasConnection) -> dict[int, Activity]:
    """Every member's questions asked and answered in ``store``, and the first and last days one
    of them was answered: from the ``member_counts`` table kept by triggers
    (``bot.core.store.name_counts``), or counted from the two member indexes when it is not
    kept (0.4 s at a million questions warm, seconds when the file is not in the OS's cache)."""
    return member_activity_of(store.conn)


def member_activity_of(conn: sqlite3.Connection) -> dict[int, Activity]:
    """``member_activity`` of a store's connection (for migrations, which have no ``Store``)."""
    counts: dict[int, list[Any]] = {}
    for member_id, position, count, latest, first in name_counts.member_rows(conn):
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
        known = [span for span in spans if span is not None]
        if len(speakers) > 1 and (
            len(known) < len(spans)
            or any(not span.first for span in known)
            or any(_overlap(a, b) for i, a in enumerate(known) for b in known[i + 1:])
        ):
            continue
        for speaker in speakers:
            found[speaker] = parliament[0]
    return found


