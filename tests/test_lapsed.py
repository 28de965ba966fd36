"""Questions that lapsed at prorogation or dissolution: recognised from the stock reply, stored
as "lapsed", shown as lapsed, never overdue, and counted apart in timeliness. The replies below
are quoted from mySociety's dumps of the Written Questions API (2023-10 to 2024-05); the store
tests read real items (tests/fixtures/real/mysociety-api)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import shared_data

from bot.core.lapsed import is_lapse_notice
from bot.core.names.matching import Resolver
from bot.core.records import ParsedQuestion
from bot.core.reports.overdue import overdue
from bot.core.reports.timeliness import timeliness
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.search.render import question_json
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from bot.core.store.schema import _migration_lapsed_status
from bot.discord.answers import answer_status
from bot.discord.embeds import status_line

SAMPLE = shared_data("mysociety-api", "commons-tabled-2023-12-lapsed-subset.json")
LAPSED_IDS = {1676644, 1675889, 1675185}  # Ministry of Justice, answered 24 May 2024
MOJ = 54

LAPSE_NOTICES = [
    "It has not proved possible to respond to the hon. Member in the time available before "
    "Prorogation.",
    "It has not proved possible to respond to the right hon. Member in the time available before "
    "Prorogation.",
    "It has not proved possible to respond to my hon. Friend in the time available before "
    "Prorogation.",
    "It has not proved possible to reply to the hon. Member in the time available before "
    "prorogation.",
    "It has not proved possible to respond to the Rt hon. Member in the time available before "
    "Prorogation.",
    "It has not proved possible to respond to the Rt Hon Member in the time available before "
    "Prorogation.",
    "It has not proved possible to respond to the hon. Member in the time available before "
    "Dissolution.",
    "It has not proved possible to reply to the hon Member in the time available before "
    "Dissolution.",
    "It has not proved possible to respond to the hon. Member in the time available before "
    "Prorogation.\u200b",
]

NOT_LAPSE_NOTICES = [
    # 1676443: about the stock reply, not the stock reply
    "There were two written parliamentary questions where the department was unable to provide a "
    "substantive answer before Prorogation. The following questions received the standard "
    "Prorogation response: 203976 and HL10597.",
    "It has not been possible to obtain the information in the time available. I will write to "
    "the hon. Member and place a copy of my letter in the Library of the House.",
    "The Department has not spent any money on new furniture, fittings, or refurbishment of "
    "ministerial offices since the dissolution of the last Parliament.",
    "Given the short time since the general election, I regret I am not yet able to comment on "
    "next steps.",
    "",
    None,
]


@pytest.mark.parametrize("text", LAPSE_NOTICES)
def test_the_stock_reply_and_its_variants(text: str) -> None:
    assert is_lapse_notice(text)


@pytest.mark.parametrize("text", NOT_LAPSE_NOTICES)
def test_other_answers_are_not_lapse_notices(text: str | None) -> None:
    assert not is_lapse_notice(text)


def test_the_reply_inside_a_long_answer_is_not_the_whole_answer() -> None:
    assert not is_lapse_notice(LAPSE_NOTICES[0] + " " + "Background. " * 40)


@pytest.fixture
def loaded(store: Store) -> Store:
    assert not ingest_paths(store, [SAMPLE]).failed
    return store


def _statuses(store: Store) -> dict[int, str]:
    return dict(store.conn.execute("SELECT id, status FROM questions WHERE id > 1"))


def test_stored_as_lapsed(loaded: Store) -> None:
    statuses = _statuses(loaded)
    assert {i for i, s in statuses.items() if s == "lapsed"} == LAPSED_IDS
    assert statuses[1676443] == "answered" and statuses[1675117] == "answered"
    row = loaded.question(1676644)
    assert row is not None
    data = question_json(loaded, row)
    assert data["status"] == "lapsed"
    assert data["not_held"] is None  # no substantive answer
    assert question_json(loaded, loaded.question(1675117))["not_held"] is True


def test_search_finds_them_by_status(loaded: Store) -> None:
    searcher = Searcher(loaded, Resolver.from_store(loaded))
    lapsed = searcher.search(SearchQuery(status="lapsed", limit=10))
    assert {r.row["id"] for r in lapsed.results} == LAPSED_IDS
    answered = searcher.search(SearchQuery(status="answered", limit=10))
    assert not {r.row["id"] for r in answered.results} & LAPSED_IDS


def test_shown_as_lapsed() -> None:
    data = {"status": "lapsed", "date_answered": "2024-05-24", "date_tabled": "2023-12-08"}
    assert status_line(data) == "lapsed 24 May 2024"
    assert "Lapsed: not answered before Parliament was prorogued or dissolved (24 May 2024)" in (
        answer_status(data))


def test_never_overdue_and_counted_apart(loaded: Store) -> None:
    listing = overdue(loaded, as_of=date(2024, 6, 28), limit=100)
    assert not {q.id for q in listing.results} & LAPSED_IDS
    report = timeliness(loaded, department_id=MOJ, since=date(2023, 12, 1),
                        until=date(2023, 12, 31), as_of=date(2024, 6, 28))
    assert sum(r.lapsed for r in report.rows) == 3
    assert sum(r.due for r in report.rows) == 0  # neither on time nor late
    assert sum(r.overdue_now for r in report.rows) == 0 and report.overdue_now == 0
    rows = report.as_json()["rows"]
    assert sum(r["lapsed"] for r in rows) == 3
    everyone = timeliness(loaded, since=date(2023, 12, 1), until=date(2023, 12, 31),
                          as_of=date(2024, 6, 28))
    by_body = {r.department_id: r for r in everyone.rows}
    assert by_body[MOJ].lapsed == 3 and by_body[MOJ].due == 0


def _lapse_record(store_id: int, answer: str | None) -> ParsedQuestion:
    items = json.loads(Path(SAMPLE).read_text(encoding="utf-8"))
    value = next(i["value"] for i in items if i["value"]["id"] == 1676644)
    return ParsedQuestion({
        "id": store_id, "house": "Commons", "uin": value["uin"], "date_tabled": "2023-12-08",
        "date_for_answer": "2023-12-12", "date_answered": "2024-05-24" if answer else None,
        "date_holding_answer": None, "date_corrected": None, "asking_member_id": None,
        "answering_member_id": None, "correcting_member_id": None, "answering_body_id": MOJ,
        "heading": value["heading"], "question_text": value["questionText"],
        "question_truncated": 0, "answer_html": answer or "", "answer_text": answer or "",
        "answer_truncated": 0, "is_holding": 0, "is_correction": 0, "is_withdrawn": 0,
        "is_named_day": 0, "member_has_interest": 0, "grouped_questions": None,
        "attachments": None, "source_url": None, "twfy_url": None, "gid": None,
        "source": "api",
    })


def test_a_lapse_is_logged_as_such(store: Store) -> None:
    with store.transaction():
        store.upsert([_lapse_record(7, None)], "test")
        result = store.upsert([_lapse_record(7, LAPSE_NOTICES[0])], "test")
    assert result.changes == [(7, "lapsed")]


def test_the_migration_marks_stored_lapse_notices(loaded: Store) -> None:
    with loaded.transaction():
        loaded.conn.execute("UPDATE questions SET status = 'answered', tags = "
                            "replace(tags, 'slapsed', 'sanswered') WHERE status = 'lapsed'")
        _migration_lapsed_status(loaded.db)
    assert {i for i, s in _statuses(loaded).items() if s == "lapsed"} == LAPSED_IDS
    searcher = Searcher(loaded, Resolver.from_store(loaded))
    assert searcher.search(SearchQuery(status="lapsed", limit=10)).total == 3
