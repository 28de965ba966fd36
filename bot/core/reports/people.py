"""Counts and recent lists for a member or a department (``/member``, ``/department``)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.records import MemberRow, QuestionRow
from bot.core.store.database import Store


def member_counts(store: Store, member_id: int) -> tuple[int, int]:
    """(questions asked, questions answered) by a member in the store."""
    asked = store.conn.execute(
        "SELECT count(*) FROM questions WHERE asking_member_id = ?", (member_id,)
    ).fetchone()[0]
    answered = store.conn.execute(
        "SELECT count(*) FROM questions WHERE answering_member_id = ?", (member_id,)
    ).fetchone()[0]
    return asked, answered


def member_recent(store: Store, member_id: int, limit: int = 5) -> list[QuestionRow]:
    """Their newest questions asked or answered."""
    return store.question_rows(
        "SELECT * FROM (SELECT * FROM questions WHERE asking_member_id = ? "
        "UNION SELECT * FROM questions WHERE answering_member_id = ?) "
        "ORDER BY coalesce(date_answered, date_tabled) DESC, id DESC LIMIT ?",
        (member_id, member_id, limit),
    )


def member_profile(
    store: Store, member_id: int
) -> tuple[MemberRow, int, int, list[QuestionRow]] | None:
    """(member, questions asked, questions answered, newest questions) for ``/member``."""
    member = store.member(member_id)
    if member is None:
        return None
    asked, answered = member_counts(store, member_id)
    return member, asked, answered, member_recent(store, member_id)


def department_summary(
    store: Store, body_ids: list[int], limit: int = 5
) -> tuple[int, list[tuple[str, int]], list[QuestionRow]]:
    """(questions, [(answerer, how many)], newest answers) for a body and those it replaced."""
    marks = ",".join("?" * len(body_ids))
    total = store.conn.execute(
        f"SELECT count(*) FROM questions WHERE answering_body_id IN ({marks})", body_ids
    ).fetchone()[0]
    answerers = [
        (name or f"Member {member_id}", count)
        for member_id, name, count in store.conn.execute(
            "SELECT q.answering_member_id, m.name, count(*) AS n FROM questions q "
            "LEFT JOIN members m ON m.id = q.answering_member_id "
            f"WHERE q.answering_body_id IN ({marks}) AND q.answering_member_id IS NOT NULL "
            "GROUP BY q.answering_member_id ORDER BY n DESC LIMIT 8",
            body_ids,
        )
    ]
    recent = store.question_rows(
        f"SELECT * FROM questions WHERE answering_body_id IN ({marks}) "
        "AND date_answered IS NOT NULL ORDER BY date_answered DESC, id DESC LIMIT ?",
        [*body_ids, limit],
    )
    return total, answerers, recent


def party_abbreviations(store: Store, member_ids: Iterable[int | None]) -> dict[int, str]:
    """Party abbreviations ("Con", "Lab") for the members named, where known."""
    ids = [i for i in set(member_ids) if i is not None]
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {
        member_id: abbreviation
        for member_id, abbreviation in store.conn.execute(
            f"SELECT id, coalesce(party_abbreviation, party) FROM members WHERE id IN ({marks})",
            ids,
        )
        if abbreviation
    }
