"""One question, however often it is printed: question 296062 (Richard Spring to BIS) was
answered on 26 October 2009 and printed again, its tables corrected, on 28 October. Both
printings are real (tests/fixtures/real/parlparse-reprints)."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
from conftest import shared_data

from bot.core.names.matching import Resolver
from bot.core.parliament import session_of
from bot.core.records import ParsedQuestion
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from bot.core.store.printings import Printings
from bot.core.store.schema import _migration_one_question_per_uin
from bot.core.votes import VoteLedger

FIRST = shared_data("parlparse-reprints", "answers2009-10-26f-question-296062.xml")
SECOND = shared_data("parlparse-reprints", "answers2009-10-28c-question-296062.xml")
GIDS = ("uk.org.publicwhip/wrans/2009-10-26f.296062.q0", "2009-10-28c.296062.q0")


def _only_question(store: Store) -> dict:
    rows = store.rows("SELECT * FROM questions WHERE uin = '296062'")
    assert len(rows) == 1, [(r["id"], r["date_answered"]) for r in rows]
    return rows[0]


@pytest.mark.parametrize("order", [(FIRST, SECOND), (SECOND, FIRST)], ids=["in order", "reversed"])
def test_two_printings_are_one_corrected_question(store: Store, order: tuple[Path, Path]) -> None:
    for path in order:
        assert not ingest_paths(store, [path]).failed
    row = _only_question(store)
    assert row["status"] == "corrected"
    assert (row["date_answered"], row["date_corrected"]) == ("2009-10-26", "2009-10-28")
    with Store(":memory:") as alone:
        ingest_paths(alone, [SECOND])
        latest = alone.rows("SELECT answer_text FROM questions WHERE uin = '296062'")[0]
    assert row["answer_text"] == latest["answer_text"]  # the later printing's answer is current
    kinds = [c["kind"] for c in store.rows(
        "SELECT kind FROM changes WHERE question_id = ? ORDER BY seq", (row["id"],))]
    assert kinds == ["new", "corrected"]
    for gid in GIDS:
        found = store.question(gid)
        assert found is not None and found["id"] == row["id"]
    # Reading either file again changes nothing.
    again = ingest_paths(store, [FIRST, SECOND])
    assert (again.totals()["new"], again.totals()["updated"]) == (0, 0)
    assert _only_question(store) == row


def test_a_search_of_the_department_counts_the_question_once(store: Store) -> None:
    ingest_paths(store, [FIRST, SECOND])
    searcher = Searcher(store, Resolver.from_store(store))
    outcome = searcher.search(SearchQuery(text="socio-economic group West Suffolk"))
    assert outcome.total == 1


def _record(uin: str, day: str, text: str) -> ParsedQuestion:
    record = {
        "id": -(abs(hash((uin, day))) % 10**12) - 1, "house": "Lords", "uin": uin,
        "date_tabled": None, "date_for_answer": None, "date_answered": day,
        "date_holding_answer": None, "date_corrected": None, "asking_member_id": None,
        "answering_member_id": None, "correcting_member_id": None, "answering_body_id": None,
        "heading": "Heading", "question_text": "To ask Her Majesty's Government ...",
        "question_truncated": 0, "answer_html": f"<p>{text}</p>", "answer_text": text,
        "answer_truncated": 0, "is_holding": 0, "is_correction": 0, "is_withdrawn": 0,
        "is_named_day": 0, "member_has_interest": 0, "grouped_questions": None,
        "attachments": None, "source_url": None, "twfy_url": None,
        "gid": f"uk.org.publicwhip/wrans/{day}a.{uin}.q0", "source": "parlparse",
    }
    return ParsedQuestion(record)


def test_the_same_uin_in_another_session_is_another_question(store: Store) -> None:
    # Lords UINs start again each session: HL5 of October 2009 and of January 2010 differ.
    with store.transaction():
        store.upsert([_record("HL5", "2009-10-26", "One.")], "test")
        store.upsert([_record("HL5", "2010-01-12", "Another.")], "test")
        store.upsert([_record("HL5", "2009-10-27", "One.")], "test")  # a reprint, same text
    rows = store.rows("SELECT * FROM questions WHERE uin = 'HL5' ORDER BY date_answered")
    assert [(r["date_answered"], r["status"]) for r in rows] == [
        ("2009-10-26", "answered"), ("2010-01-12", "answered"),
    ]


def test_sessions_from_dates() -> None:
    assert session_of("2009-10-26") == session_of("2009-10-28") == "2008-12-03"
    assert session_of("2009-11-18") == "2009-11-18"  # the State Opening begins a session
    assert session_of("2024-05-24") == "2023-11-07"  # answers given at prorogation
    assert session_of("1990-01-01") == "before 1997-05-07"
    assert session_of(None) is None


def test_the_migration_merges_printings_an_older_store_kept_apart(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # An older version stored each printing as a question of its own.
    with Store(path) as store, patch.object(Printings, "of", lambda self, record: None):
        ingest_paths(store, [FIRST, SECOND])
        first, second = (r["id"] for r in store.rows(
            "SELECT id FROM questions WHERE uin = '296062' ORDER BY date_answered"))
        conn = store.conn
        with store.transaction():
            for question, user, helpful in ((first, 1, 1), (second, 2, 0), (second, 1, 0)):
                conn.execute(
                    "INSERT INTO votes (question_id, user_id, helpful, via, voted_at) "
                    "VALUES (?, ?, ?, 'button', 'then')", (question, user, helpful))
            conn.execute(
                "INSERT INTO subscriptions (guild_id, channel_id, department_id, description, "
                "created_by, created_at, after_seq) VALUES (1, 10, 1, 'BIS', 5, 'then', 0)")
            conn.execute(
                "INSERT INTO deliveries (subscription_id, channel_id, question_id, change_seq, "
                "kind, claimed_at) VALUES (1, 10, ?, 2, 'new', 'then')", (second,))
            conn.execute(
                "INSERT INTO alerts (user_id, key, question_id, description, created_at, "
                "after_seq) VALUES (7, ?, ?, 'one question', 'then', 0)", (f"q:{second}", second))
            conn.execute(
                "INSERT INTO answer_messages (message_id, channel_id, question_id, created_at) "
                "VALUES (99, 10, ?, 'then')", (second,))
            conn.execute("DROP TABLE merged_questions")
            _migration_one_question_per_uin(store.db)

        row = _only_question(store)
        assert row["id"] == first
        assert (row["status"], row["date_corrected"]) == ("corrected", "2009-10-28")
        votes = conn.execute(
            "SELECT user_id, helpful FROM votes WHERE question_id = ? ORDER BY user_id", (first,)
        ).fetchall()
        assert votes == [(1, 1), (2, 0)]  # both people's votes; one each
        for table in ("deliveries", "answer_messages", "alerts", "changes"):
            assert conn.execute(
                f"SELECT count(*) FROM {table} WHERE question_id = ?", (second,)
            ).fetchone()[0] == 0, table
        assert conn.execute("SELECT key FROM alerts WHERE user_id = 7").fetchone()[0] == (
            f"q:{first}")
        # The merged printing's id, from a button already posted, and both gids still work.
        found = store.question(str(second))
        assert found is not None and found["id"] == first
        for gid in GIDS:
            found = store.question(gid)
            assert found is not None and found["id"] == first
        outcome = VoteLedger(store).vote(second, 3, True, "button", None)
        assert (outcome.yes, outcome.no) == (2, 1)
