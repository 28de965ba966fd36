"""Newest capture wins: two snapshots of one question, loaded in either order, end in the newer
one's state; the answer-state rules still order answers; re-loading changes nothing."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from conftest import FIXTURES, shared_data
from test_ingest import run_cli

from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store
from bot.core.store.states import capture_time

REAL_LIST = ("parliament-api", "list-tabled-2021-02-01-both-houses-subset.json")
EARLY, LATE = "2024-12-02T06:00:00Z", "2024-12-10T06:00:00Z"


def set_mtime(path: Path, when: str) -> None:
    stamp = datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp()
    os.utime(path, (stamp, stamp))


def real_unanswered() -> list[dict]:
    """The real list's result items of questions not yet answered, with a heading (the API's
    ``{"value": ...}`` shape, as mySociety's dump saves them)."""
    doc = json.loads(shared_data(*REAL_LIST).read_text())
    items = [i for i in doc["results"] if not i["value"]["dateAnswered"] and i["value"]["heading"]]
    assert len(items) >= 3
    return items


def earlier_state(item: dict) -> dict:
    """The same question as an earlier snapshot showed it: no heading yet, other wording, and
    still with the Treasury before it was transferred."""
    text = item["value"]["questionText"]
    revised = ("As first tabled: " + text)[: len(text)]  # the list view cuts both the same
    value = dict(
        item["value"],
        heading="",
        questionText=revised,
        answeringBodyId=14,
        answeringBodyName="HM Treasury",
    )
    return {**item, "value": value}


def snapshots(tmp_path: Path) -> tuple[Path, Path, list[dict]]:
    """Two bare-array snapshots of the same questions: the real one (captured later) and an
    earlier state of it, each with its capture time as the file's modification time."""
    items = real_unanswered()
    folder = tmp_path / "snapshots"
    folder.mkdir()
    early, late = folder / "2024-12-02.json", folder / "2024-12-10.json"
    early.write_text(json.dumps([earlier_state(i) for i in items]))
    late.write_text(json.dumps(items))
    set_mtime(early, EARLY)
    set_mtime(late, LATE)
    return early, late, items


def assert_newer_state(store: Store, items: list[dict]) -> None:
    for item in items:
        value = item["value"]
        row = store.question(value["id"])
        assert row["heading"] == value["heading"]
        assert row["question_text"] == value["questionText"].strip()
        assert row["answering_body_id"] == value["answeringBodyId"] != 14
        assert row["captured_at"] == capture_time(LATE)


@pytest.mark.parametrize("newer_first", [False, True])
def test_the_newer_snapshot_wins_in_either_order(tmp_path: Path, newer_first: bool) -> None:
    early, late, items = snapshots(tmp_path)
    with Store(tmp_path / "x.db") as store:
        first = ingest_paths(store, [late if newer_first else early])
        seq = store.last_change_seq()
        second = ingest_paths(store, [early if newer_first else late])
        assert_newer_state(store, items)
        if newer_first:
            # The older capture changes nothing and logs nothing.
            assert second.totals()["updated"] == 0
            assert store.last_change_seq() == seq
        else:
            assert second.totals()["updated"] == len(items)
            kinds = {c["kind"] for c in store.changes_since(seq)}
            assert kinds == {"text_changed"}
        assert first.totals()["new"] == len(items)


def test_reloading_a_folder_of_snapshots_changes_nothing(tmp_path: Path) -> None:
    early, _late, items = snapshots(tmp_path)
    with Store(tmp_path / "x.db") as store:
        ingest_paths(store, [early.parent])
        assert_newer_state(store, items)
        rows = store.rows("SELECT * FROM questions ORDER BY id")
        seq = store.last_change_seq()
        again = ingest_paths(store, [early.parent])
        assert again.totals()["updated"] == 0 and again.totals()["new"] == 0
        assert store.last_change_seq() == seq
        assert store.rows("SELECT * FROM questions ORDER BY id") == rows


def test_captured_at_overrides_the_files_time(tmp_path: Path) -> None:
    early, late, items = snapshots(tmp_path)
    set_mtime(early, LATE)  # a copy made later: only the option says when it was captured
    with Store(tmp_path / "x.db") as store:
        ingest_paths(store, [late], captured_at=capture_time(LATE))
        report = ingest_paths(store, [early], captured_at=capture_time(EARLY))
        assert report.totals()["updated"] == 0
        assert_newer_state(store, items)


def test_the_cli_takes_captured_at_and_refuses_a_bad_one(tmp_path: Path) -> None:
    early, late, items = snapshots(tmp_path)
    db = str(tmp_path / "cli.db")
    assert run_cli("ingest", str(late), "--db", db).returncode == 0
    older = run_cli("ingest", str(early), "--captured-at", "2024-12-01", "--db", db)
    assert older.returncode == 0, older.stderr
    assert f"{len(items)} unchanged" in older.stdout and "0 updated" in older.stdout
    bad = run_cli("ingest", str(early), "--captured-at", "last tuesday", "--db", db)
    assert bad.returncode == 2 and "not an ISO 8601 time" in bad.stderr


def test_capture_times_read_as_utc() -> None:
    assert capture_time("2024-12-10") == "2024-12-10T00:00:00.000000Z"
    assert capture_time("2024-12-10T10:00:00+01:00") == "2024-12-10T09:00:00.000000Z"
    assert capture_time(LATE) == "2024-12-10T06:00:00.000000Z"
    with pytest.raises(ValueError):
        capture_time("tomorrow")


@pytest.mark.parametrize("substantive_older", [False, True])
def test_a_later_answer_state_wins_whenever_it_was_captured(
    store: Store, substantive_older: bool
) -> None:
    # holding -> substantive -> corrected: dates order them, not capture times.
    order = [FIXTURES / "holding.json", FIXTURES / "substantive.json",
             FIXTURES / "corrected.json"]
    times = [LATE, "2024-12-05T00:00:00Z", EARLY] if substantive_older else [EARLY, LATE, LATE]
    for path, when in zip(order, times, strict=True):
        ingest_paths(store, [path], captured_at=capture_time(when))
    row = store.question(500001)
    assert row["status"] == "corrected"
    kinds = [c["kind"] for c in store.changes_since(0)]
    assert kinds[:1] == ["tabled"] or kinds[:1] == ["new"]
    assert "substantive" in kinds and "corrected" in kinds


@pytest.mark.parametrize("full_older", [False, True])
def test_a_full_text_beats_the_list_views_whichever_is_newer(
    store: Store, full_older: bool
) -> None:
    full, cut = FIXTURES / "substantive.json", FIXTURES / "substantive-list.json"
    ingest_paths(store, [FIXTURES / "holding.json"], captured_at=capture_time(EARLY))
    first, second = (full, cut) if full_older else (cut, full)
    ingest_paths(store, [first], captured_at=capture_time("2024-12-05"))
    ingest_paths(store, [second], captured_at=capture_time(LATE))
    row = store.question(500001)
    expected = json.loads(full.read_text())["value"]
    assert row["answer_truncated"] == 0
    assert row["answer_html"] == expected["answerText"]
    # And the other way round in time: the full view captured before the list view.
    with Store(store.path.with_name("y.db")) as other:
        ingest_paths(other, [cut], captured_at=capture_time(LATE))
        update = ingest_paths(other, [full], captured_at=capture_time(EARLY))
        assert update.totals()["updated"] == 1
        assert other.question(500001)["answer_html"] == expected["answerText"]
