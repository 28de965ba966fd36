"""Resolving what people type to members, departments and topics, from memory, with rapidfuzz.

Each index is built once from the store (``Resolver.from_store``) and rebuilt after an ingest;
queries never touch the database. A resolution returns ranked candidates with scores (0-100) and
says whether it is sure; when it is not, callers offer the candidates instead of guessing.
Autocomplete uses the same ranking.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bot.core.names.candidates import (
    AUTOCOMPLETE_LIMIT,
    KINDS,
    Candidate,
    Resolution,
)
from bot.core.names.departments import DepartmentIndex
from bot.core.names.members import Activity, HasConnection, MemberIndex, member_activity
from bot.core.names.topics import TopicIndex
from bot.core.store.rows import dict_rows

if TYPE_CHECKING:
    from bot.core.store.access import StoreAccess

People = tuple[list[dict[str, Any]], list[dict[str, Any]]]  # members, answering bodies


def read_people(store: HasConnection) -> People:
    """Every member and answering body, as the indexes take them."""
    conn = store.conn
    cursor = conn.execute(
        "SELECT id, name, list_as, party, party_abbreviation, member_from, house FROM members"
    )
    bodies = [
        {"id": i, "name": n} for i, n in conn.execute("SELECT id, name FROM answering_bodies")
    ]
    return list(dict_rows(cursor)), bodies


def read_headings(store: HasConnection) -> list[tuple[Any, ...]]:
    """Each heading with its number of questions and its newest question's id."""
    return store.conn.execute(
        "SELECT heading, count(*), max(id) FROM questions WHERE heading != '' GROUP BY heading"
    ).fetchall()


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
        return cls.from_inputs(read_people(store), member_activity(store), read_headings(store))

    @classmethod
    async def read(cls, db: StoreAccess) -> Resolver:
        """``from_store`` on the store's reader threads: the members' and the headings' scans
        of the questions table at once, on two of them (each is most of a second at three
        million questions), then the indexes built on one, off the event loop."""
        people, activity, headings = await asyncio.gather(
            db.read(read_people), db.read(member_activity), db.read(read_headings))
        return await db.read(lambda _: cls.from_inputs(people, activity, headings))

    @classmethod
    def from_inputs(
        cls, people: People, activity: dict[int, Activity], headings: list[tuple[Any, ...]]
    ) -> Resolver:
        """The indexes of what ``read_people``, ``member_activity`` and ``read_headings``
        read."""
        members, bodies = people
        return cls(MemberIndex(members, activity), DepartmentIndex(bodies), TopicIndex(headings))

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
