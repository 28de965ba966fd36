"""Resolving what people type to members, departments and topics, from memory, with rapidfuzz.

Each index is built once from the store (``Resolver.from_store``) and rebuilt after an ingest;
queries never touch the database. A resolution returns ranked candidates with scores (0-100) and
says whether it is sure; when it is not, callers offer the candidates instead of guessing.
Autocomplete uses the same ranking.
"""

from __future__ import annotations

from bot.core.names.candidates import (
    AUTOCOMPLETE_LIMIT,
    KINDS,
    Candidate,
    Resolution,
)
from bot.core.names.departments import DepartmentIndex
from bot.core.names.members import HasConnection, MemberIndex, member_activity
from bot.core.names.topics import TopicIndex
from bot.core.store import name_counts
from bot.core.store.rows import dict_rows, read_snapshot


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
        """The indexes of everything in ``store``, from the counts ``name_counts`` keeps (a
        few thousand rows, whatever the store's size); 1.5 s of Python at 3,000,000 questions."""
        conn = store.conn
        with read_snapshot(conn):  # the counts and the members of one state of the store
            cursor = conn.execute(
                "SELECT id, name, list_as, party, party_abbreviation, member_from, house "
                "FROM members"
            )
            members = list(dict_rows(cursor))
            activity = member_activity(store)
            bodies = [{"id": i, "name": n}
                      for i, n in conn.execute("SELECT id, name FROM answering_bodies")]
            headings = name_counts.headings(conn)
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
