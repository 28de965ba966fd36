"""Equally good names: the member likelier meant first, and a word that more exist."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT, shared_data

from bot.core.names.matching import Resolver
from bot.core.names.members import Activity, MemberIndex, member_activity
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.search.render import search_json, search_table
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

# Seven Davieses, as `resolve member Davies` met them: one score for all.
DAVIESES = [
    {"id": 1, "name": "Alan Davies", "house": "Commons"},
    {"id": 2, "name": "Bryn Davies", "house": "Commons"},
    {"id": 3, "name": "Ceri Davies", "house": "Commons"},
    {"id": 4, "name": "David T. C. Davies", "house": "Commons"},
    {"id": 5, "name": "Geraint Davies", "house": "Commons"},
    {"id": 6, "name": "Mims Davies", "house": "Commons"},
    {"id": 7, "name": "Philip Davies", "house": "Commons"},
]
ACTIVITY = {
    7: Activity(asked=40, answered=0, latest="2021-02-01"),  # the one who asks
    4: Activity(asked=2, answered=30, latest="2021-01-20"),  # a minister
    5: Activity(asked=2, answered=0, latest="2015-03-01"),  # same count, longer ago
    1: Activity(asked=2, answered=0, latest="2020-11-05"),
}


@pytest.fixture(scope="module")
def davieses() -> MemberIndex:
    return MemberIndex(DAVIESES, ACTIVITY)


def test_a_tie_is_broken_by_activity_and_says_more_exist(davieses: MemberIndex) -> None:
    resolution = davieses.resolve("Davies")
    assert not resolution.sure  # a tie is never a guess
    assert len({c.score for c in resolution.candidates}) == 1
    assert [c.id for c in resolution.candidates] == [7, 4, 1, 5, 2]
    assert resolution.more == 2
    assert resolution.as_json()["more"] == 2


def test_the_role_searched_decides(davieses: MemberIndex) -> None:
    assert davieses.resolve("Davies", role="asked_by").candidates[0].id == 7
    assert davieses.resolve("Davies", role="answered_by").candidates[0].id == 4
    # Equal counts in the role: the one seen more recently first.
    asked = [c.id for c in davieses.resolve("Davies", role="asked_by").candidates]
    assert asked.index(1) < asked.index(5)


def test_activity_never_beats_a_better_name(davieses: MemberIndex) -> None:
    resolution = davieses.resolve("Mims Davies")
    assert resolution.sure and resolution.best.id == 6
    assert resolution.more == 0 or resolution.candidates[0].score > resolution.candidates[1].score


def test_without_activity_the_order_is_by_name() -> None:
    resolution = MemberIndex(DAVIESES).resolve("Davies")
    assert [c.name for c in resolution.candidates][:2] == ["Alan Davies", "Bryn Davies"]


def test_member_activity_counts_the_store(store: Store) -> None:
    ingest_paths(store, [shared_data("parliament-api")])
    activity = member_activity(store)
    (asked,) = store.conn.execute(
        "SELECT count(*) FROM questions WHERE asking_member_id = 4651").fetchone()
    assert activity[4651].asked == asked >= 9
    (answered,) = store.conn.execute(
        "SELECT count(*) FROM questions WHERE answering_member_id = 4485").fetchone()
    assert activity[4485].answered == answered >= 5
    assert activity[4485].latest >= "2021-02-01"


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    db = tmp_path / "mixed.db"
    with Store(db) as store:
        ingest_paths(store, [shared_data("parliament-api"), shared_data("parlparse-xml")])
    return db


def test_real_davieses_rank_by_the_role(mixed: Path) -> None:
    with Store(mixed) as store:
        resolver = Resolver.from_store(store)
        activity = member_activity(store)
        for role, count in (("asked_by", "asked"), ("answered_by", "answered")):
            resolution = resolver.resolve("member", "Davies", 25, role=role)
            tied = [c for c in resolution.candidates
                    if c.score == resolution.candidates[0].score]
            assert len(tied) >= 3
            counts = [getattr(activity.get(c.id, Activity()), count) for c in tied]
            assert counts == sorted(counts, reverse=True), (role, tied)
            assert counts[0] > 0
        # search --asked-by offers the askers first, and says when more matched than it lists.
        outcome = Searcher(store, resolver).search(SearchQuery(asked_by="Davies"))
        first = outcome.ambiguous["asked_by"].candidates[0]
        assert activity[first.id].asked > 0
        data = search_json(store, outcome)
    data["ambiguous_more"] = {"asked_by": 3}
    assert "(and 3 more)?" in search_table(data)


def test_cli_resolve_says_how_many_more(mixed: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "resolve", "member", "Davies", "--limit", "2",
         "--db", str(mixed)],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "... and 3 more" in result.stdout
    shown = subprocess.run(
        [sys.executable, "-m", "bot", "resolve", "member", "Davies", "--limit", "2", "--json",
         "--role", "answered_by", "--db", str(mixed)],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=60,
    )
    assert json.loads(shown.stdout)["more"] == 3


def test_a_style_typed_beats_activity() -> None:
    index = MemberIndex(
        [{"id": 1, "name": "Dr James Davies", "house": "Commons"},
         {"id": 2, "name": "Mims Davies", "house": "Commons"}],
        {2: Activity(asked=0, answered=50, latest="2021-02-01")},
    )
    assert index.resolve("Dr Davies").candidates[0].id == 1
    assert index.resolve("Davies").candidates[0].id == 2


def test_the_pick_message_says_how_many_more_matched() -> None:
    from bot.core.names.candidates import Candidate
    from bot.discord.search import pick_message

    candidates = [Candidate(i, f"Member {i}", 90.0) for i in range(7)]
    text, view = pick_message(1, "asked_by", candidates, more=2)
    assert len(view.children) == 5
    assert "(4 more matches: type more of the name to see them.)" in text
    text, _ = pick_message(1, "asked_by", candidates[:3])
    assert "more match" not in text
