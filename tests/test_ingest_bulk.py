"""Bulk loads: the read-side indexes built after the load, files parsed in parts in a second
process, and a load killed midway."""

from datetime import date
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from bot.core.names.matching import Resolver
from bot.core.reports.overdue import overdue
from bot.core.reports.timeliness import timeliness
from bot.core.search.fulltext import Searcher, SearchQuery
from bot.core.sources import ingest
from bot.core.sources.ingest import ParsedFile, ingest_paths, read_file
from bot.core.store import due_days, name_counts
from bot.core.store.bulk import indexes_aside
from bot.core.store.database import Store

INDEXES = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"


def dump(store: Store) -> list:
    """Rows, members, bodies, month bounds and the change log, timestamps of the load aside."""
    return [store.conn.execute(sql).fetchall() for sql in (
        "SELECT id, status, tags, heading, question_text, answer_text, date_answered, "
        "date_corrected, captured_at FROM questions ORDER BY id",
        "SELECT * FROM members ORDER BY id",
        "SELECT * FROM answering_bodies ORDER BY id",
        "SELECT * FROM answered_months ORDER BY month",
        "SELECT seq, question_id, kind, status, source, detail FROM changes ORDER BY seq",
        # /timeliness's counts (due_days.py), kept by triggers or counted after a bulk load
        "SELECT due, body, kind, wait, on_time, held, lapsed, n FROM due_days "
        "ORDER BY due, body, kind, wait, on_time, held, lapsed",
        # the name indexes' counts (name_counts.py)
        "SELECT * FROM heading_counts ORDER BY heading",
        "SELECT * FROM member_counts ORDER BY member_id, role",
    )]
TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"


def found(store: Store, text: str, **filters: object) -> set[int]:
    outcome = Searcher(store, Resolver.from_store(store)).search(
        SearchQuery(text=text, limit=5000, **filters)  # type: ignore[arg-type]
    )
    return {r.row["id"] for r in outcome.results}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return write_corpus(folder / "part.json", 600, seed=5, per_file=200)


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every load a bulk one, parsed in a second process in parts of 70 records."""
    monkeypatch.setattr(ingest, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(ingest, "PART_RECORDS", 70)


def plain_load(tmp_path: Path, files: list[Path]) -> Store:
    store = Store(tmp_path / "plain.db")
    ingest_paths(store, files)
    return store


def test_a_bulk_load_stores_the_same_rows_log_and_indexes(
    tmp_path: Path, corpus: list[Path], bulk: None
) -> None:
    with plain_load(tmp_path, corpus) as plain, Store(tmp_path / "bulk.db") as store:
        report = ingest_paths(store, corpus)
        assert report.totals()["new"] == 600
        assert [f.new for f in report.files] == [200, 200, 200]
        assert dump(store) == dump(plain)
        assert store.conn.execute(INDEXES).fetchall() == plain.conn.execute(INDEXES).fetchall()
        assert store.conn.execute(TRIGGERS).fetchall() == plain.conn.execute(TRIGGERS).fetchall()
        assert indexes_aside(store.conn) == []
        assert found(store, "school") == found(plain, "school") != set()
        # Loaded again, in bulk: nothing changes.
        again = ingest_paths(store, corpus)
        assert again.totals()["unchanged"] == 600
        assert dump(store) == dump(plain)


def test_a_bulk_load_into_a_bigger_store_keeps_its_indexes(
    tmp_path: Path, corpus: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexes are set aside only for a load bringing a quarter as many questions as stored."""
    monkeypatch.setattr(ingest, "BULK_MIN_BYTES", 0)
    with Store(tmp_path / "s.db") as store:
        ingest_paths(store, corpus)
        dropped: list[int] = []
        monkeypatch.setattr(Store, "set_aside_indexes", lambda self: dropped.append(1) or 0)
        monkeypatch.setattr(ingest, "BYTES_PER_QUESTION", 10**9)  # the file looks tiny
        ingest_paths(store, corpus[:1])
        assert dropped == []


def test_a_bulk_load_killed_midway_leaves_a_searchable_store_and_a_rerun_completes_it(
    tmp_path: Path, corpus: list[Path], bulk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with plain_load(tmp_path, corpus) as plain:
        expected, indexes = dump(plain), plain.conn.execute(INDEXES).fetchall()
        school = found(plain, "school")
    db = tmp_path / "killed.db"
    calls = []
    upsert = Store.upsert

    def dies_in_the_third_file(self: Store, parsed: list, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 7:  # 200 records in parts of 70: the first part of the third file
            raise SystemExit("killed")
        return upsert(self, parsed, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(Store, "upsert", dies_in_the_third_file)
        # Killed: nothing after the failure runs, not even building the indexes again.
        patch.setattr(ingest, "_restore_indexes", lambda store, aside: None)
        store = Store(db)
        with pytest.raises(SystemExit):
            ingest_paths(store, corpus)
    # The two files stored are whole, searchable, and the store says what it lacks.
    assert store.count_questions() == 400
    aside = indexes_aside(store.conn)
    assert len(aside) == 14  # eight indexes, and the triggers that keep due_days and name counts
    names = {n for n, _ in aside}
    present = {r[0] for r in store.conn.execute(INDEXES)}
    present |= {r[0] for r in store.conn.execute(TRIGGERS)}
    assert not names & present
    # /timeliness counts the questions while due_days lags: the figures are the load's.
    as_of = date(2100, 1, 1)
    assert not due_days.covers(store.conn, as_of.isoformat())
    assert not name_counts.kept(store.conn)  # the name indexes count the questions
    assert Resolver.from_store(store).resolve("topic", "school").candidates
    assert sum(r.due for r in timeliness(store, since=date(1990, 1, 1), as_of=as_of).rows) > 0
    assert found(store, "school") == {i for i in school if i in {
        r[0] for r in store.conn.execute("SELECT id FROM questions")}} != set()
    # /overdue, whose queries name the indexes set aside, answers without them.
    lists = overdue_lists(store)
    assert lists[0][0] > 2 and all(len(ids) >= 2 for _, ids in lists[1:])
    store.close()
    with Store(db) as store:  # opened again: the indexes are built
        assert indexes_aside(store.conn) == []
        assert store.conn.execute(INDEXES).fetchall() == indexes
        assert overdue_lists(store) == lists  # the same lists as without them
        assert due_days.covers(store.conn, date(2100, 1, 1).isoformat())
        report = ingest_paths(store, corpus)  # the load run again completes it
        assert [f.new for f in report.files] == [0, 0, 200]
        assert dump(store) == expected
        assert found(store, "school") == school


def overdue_lists(store: Store) -> list[tuple[int, list[int]]]:
    """The overdue lists (total, ids) for all, and for a member in each role and in either,
    as of the last day a question was tabled."""
    last = store.conn.execute("SELECT max(date_tabled) FROM questions").fetchone()[0]
    # The members with the most questions waiting, in each role.
    asker = store.conn.execute(
        "SELECT asking_member_id FROM questions WHERE status IN ('unanswered', 'holding') "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    answerer = store.conn.execute(
        "SELECT answering_member_id FROM questions WHERE status = 'holding' "
        "AND answering_member_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()[0]
    scopes: list[dict[str, int]] = [{}, {"asking_member_id": asker},
                                    {"answering_member_id": answerer}, {"member_id": asker}]
    out = []
    for scope in scopes:
        listed = overdue(store, as_of=date.fromisoformat(last), limit=1000, **scope)
        out.append((listed.total, [q.id for q in listed.results]))
    return out


def test_files_parsed_in_parts_elsewhere_give_the_same_reports(
    tmp_path: Path, corpus: list[Path], bulk: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad records and a cut file, parsed in parts in the second process."""
    folder = tmp_path / "load"
    folder.mkdir()
    text = corpus[0].read_text()
    (folder / "1-bad.json").write_text(text.replace('"dateTabled":"', '"dateTabled":"x', 3))
    (folder / "2-cut.json").write_text(text[: len(text) // 2])
    (folder / "3-good.json").write_text(corpus[1].read_text())
    reports = []
    for name, threshold in (("here", 1 << 40), ("elsewhere", 0)):
        monkeypatch.setattr(ingest, "PARALLEL_MIN_BYTES", threshold)
        with Store(tmp_path / f"{name}.db") as store:
            report = ingest_paths(store, [folder])
            reports.append(([(f.path, f.kind, f.new, f.skipped, f.rejected)
                             for f in report.files], dump(store)))
    assert reports[0] == reports[1]
    files = reports[1][0]
    assert len(files[0][4]) == 3 and files[0][2] == 197
    assert "not valid JSON" in (files[1][3] or "")


class _Pipe:
    """Parts as a parsing process sends them, then the end of a process that died."""

    def __init__(self, parts: list[ParsedFile]) -> None:
        self.parts = parts

    def recv(self) -> ParsedFile:
        if not self.parts:
            raise EOFError
        return self.parts.pop(0)


def test_a_file_half_sent_when_the_parsing_process_died_is_finished_here(
    corpus: list[Path],
) -> None:
    sent = list(ingest.read_file_parts(corpus[0], size=70))[:2]
    parts = list(ingest._received(_Pipe(sent), True, corpus[0], None))  # type: ignore[arg-type]
    records = [r.question["id"] for p in parts for r in p.accepted]
    assert records == [r.question["id"] for r in read_file(corpus[0]).accepted]
    assert [p.more for p in parts] == [True, True, False]
