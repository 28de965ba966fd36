"""Ingest of files and folders: the real captures, bad input, and the command's summary."""

import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO_ROOT, shared_data

from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store


def dump(store: Store) -> list:
    return [
        store.conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        for table in ("questions", "members", "answering_bodies", "changes")
    ]


def test_every_real_question_file_is_ingested(store: Store) -> None:
    folder = shared_data("parliament-api")
    report = ingest_paths(store, [folder])
    assert not report.failed
    assert store.count_questions() == 182
    assert report.totals()["rejected"] == 0
    statements = next(f for f in report.files if "statements" in f.path)
    assert statements.skipped == "not questions: written statements, not written questions"
    members = store.conn.execute("SELECT count(*) FROM members WHERE name IS NOT NULL").fetchone()[
        0
    ]
    assert members == 127
    assert store.conn.execute("SELECT count(*) FROM answering_bodies").fetchone()[0] == 16


def real_answers_once_holding() -> list[dict]:
    """Real answers that had a holding answer first (dateHoldingAnswer before dateAnswered)."""
    found = {}
    for path in sorted(shared_data("parliament-api").glob("list-*.json")):
        for item in json.loads(path.read_text())["results"]:
            value = item["value"]
            holding, answered = value["dateHoldingAnswer"], value["dateAnswered"]
            if holding and answered and holding < answered and not value["answerIsHolding"]:
                found[value["id"]] = value
    return list(found.values())


@pytest.mark.parametrize("holding_first", [True, False])
def test_real_holding_then_answered_records_end_in_final_state_either_order(
    tmp_path: Path, holding_first: bool
) -> None:
    answered = real_answers_once_holding()
    assert len(answered) >= 3
    # The holding state each of them was in before, as the API showed it then.
    holding = [
        dict(
            v,
            answerIsHolding=True,
            dateAnswered=v["dateHoldingAnswer"],
            answerIsCorrection=False,
            dateAnswerCorrected=None,
            answerText="It has not been possible to answer this question in the time available.",
        )
        for v in answered
    ]
    files = []
    for name, values in (("holding.json", holding), ("answered.json", answered)):
        path = tmp_path / name
        path.write_text(
            json.dumps({"totalResults": len(values), "results": [{"value": v} for v in values]})
        )
        files.append(path)
    with Store(tmp_path / "x.db") as store:
        ingest_paths(store, files if holding_first else files[::-1])
        for value in answered:
            row = store.question(value["id"])
            assert row["status"] in ("answered", "corrected")
            assert row["date_answered"] == value["dateAnswered"][:10]
            assert "not been possible" not in row["answer_text"]
        news = [c["kind"] for c in store.changes_since(0)]
        if holding_first:
            assert news.count("substantive") == len(answered)
        else:
            assert set(news) == {"new"}
        assert "text_changed" not in news


def test_ids_in_several_real_files_end_in_their_latest_state(store: Store) -> None:
    files = sorted(shared_data("parliament-api").glob("list-*.json"))
    latest: dict[int, tuple] = {}
    for path in files:
        for item in json.loads(path.read_text())["results"]:
            v = item["value"]
            key = (
                v["dateAnswered"] or "",
                v["dateAnswerCorrected"] or "",
                not v["answerIsHolding"],
            )
            latest[v["id"]] = max(latest.get(v["id"], key), key)
    ingest_paths(store, files[::-1])
    for qid, (answered, corrected, _) in latest.items():
        row = store.question(qid)
        assert (row["date_answered"] or "") == answered[:10]
        assert (row["date_corrected"] or "") == corrected[:10]


def test_reingesting_the_real_files_changes_nothing(store: Store) -> None:
    folder = shared_data()
    ingest_paths(store, [folder])
    before = dump(store)
    report = ingest_paths(store, [folder])
    assert report.totals()["new"] == 0
    assert report.totals()["updated"] == 0
    assert dump(store) == before


def test_a_big_load_parsed_in_a_second_process_stores_the_same(
    tmp_path: Path, monkeypatch
) -> None:
    """Above PARALLEL_MIN_BYTES the next file is parsed in another process: same order, same
    reports (bad files included), same stored rows and change log as parsing here."""
    folder = tmp_path / "load"
    folder.mkdir()
    for path in sorted(shared_data().rglob("*")):
        if path.suffix in (".json", ".xml"):
            (folder / f"{len(list(folder.iterdir())):03d}-{path.name}").write_bytes(
                path.read_bytes())
    (folder / "500-cut.json").write_bytes(b'{"results": [{"value": {"id": 1')
    parsed_elsewhere: list[Path] = []

    class RecordingPool(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            parsed_elsewhere.append(args[0])
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr("bot.core.sources.ingest.ProcessPoolExecutor", RecordingPool)
    reports, dumps, handed_over = [], [], []
    for threshold in (1 << 40, 0):
        monkeypatch.setattr("bot.core.sources.ingest.PARALLEL_MIN_BYTES", threshold)
        parsed_elsewhere.clear()
        with Store(tmp_path / f"{threshold}.db") as store:
            report = ingest_paths(store, [folder])
            handed_over.append(len(parsed_elsewhere))
            reports.append([(f.path, f.kind, f.new, f.updated, f.skipped, f.rejected)
                            for f in report.files])
            dumps.append([store.conn.execute(sql).fetchall() for sql in (
                "SELECT id, status, tags, heading, question_text, answer_text, date_answered, "
                "gid FROM questions ORDER BY id",
                "SELECT * FROM members ORDER BY id",
                "SELECT * FROM answering_bodies ORDER BY id",
                "SELECT seq, question_id, kind, status, source, detail FROM changes ORDER BY seq",
            )])
    assert handed_over == [0, len(reports[1])]  # here, then every file in the second process
    assert reports[0] == reports[1]
    assert any(skipped and "not valid JSON" in skipped for *_, skipped, _ in reports[1])
    assert sum(new for _, _, new, *_ in reports[1]) > 200
    assert dumps[0] == dumps[1]


BAD_FILES = {
    "empty.json": (b"", "empty file"),
    "blank.json": (b"  \n ", "empty file"),
    "text.json": (b"hello world", "neither JSON nor XML"),
    "cut.json": (b'{"results": [{"value": {"id": 1', "not valid JSON"),
    "array.json": (b"[1, 2, 3]", "not questions"),
    "error.json": (b'{"status": 500, "title": "Internal error"}', "not questions"),
    "latin1.json": (
        '{"value": {"id": 5, "heading": "Caf\xe9"}}'.encode("latin-1"),
        "not valid UTF-8",
    ),
    "broken.xml": (b"<publicwhip><ques></publicwhip>", "not well-formed XML"),
    "other.xml": (b"<html><body>hi</body></html>", "not questions"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_get_a_clear_message_and_change_nothing(
    store: Store, tmp_path: Path, name: str
) -> None:
    ingest_paths(store, [FIXTURES / "holding.json"])
    before = dump(store)
    content, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    report = ingest_paths(store, [path])
    (file_report,) = report.files
    assert words in file_report.skipped
    assert dump(store) == before


def test_bad_records_are_rejected_with_where_and_why_and_good_ones_kept(
    store: Store, tmp_path: Path
) -> None:
    good = json.loads((FIXTURES / "holding.json").read_text())["value"]
    no_id = dict(good)
    del no_id["id"]
    bad_date = dict(good, id=7, dateTabled="31/01/2021")
    bad_house = dict(good, id=8, house="Moon")
    path = tmp_path / "mixed.json"
    path.write_text(
        json.dumps(
            {
                "totalResults": 4,
                "results": [
                    {"value": no_id},
                    {"value": good},
                    {"value": bad_date},
                    {"value": bad_house},
                ],
            }
        )
    )
    report = ingest_paths(store, [path])
    (file_report,) = report.files
    assert file_report.new == 1
    assert file_report.rejected == [
        ("results[0]", "record has no id"),
        ("results[2]", "dateTabled is not a date: '31/01/2021'"),
        ("results[3]", "house is 'Moon', expected Commons or Lords"),
    ]
    assert report.failed
    assert store.count_questions() == 1


def run_cli(*args: str, cwd: Path = REPO_ROOT, env_extra: dict | None = None):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_PATH")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )


def test_cli_ingest_summary_and_exit_codes(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    ok = run_cli("ingest", str(FIXTURES / "holding.json"), "--db", db)
    assert ok.returncode == 0, ok.stderr
    assert "holding.json: 1 new, 0 updated, 0 unchanged" in ok.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    failed = run_cli("ingest", str(bad), str(FIXTURES / "substantive.json"), "--db", db)
    assert failed.returncode == 1
    assert "bad.json: skipped — not valid JSON" in failed.stdout
    assert "substantive.json: 0 new, 1 updated, 0 unchanged" in failed.stdout
    shown = run_cli("show", "140001", "--db", db, "--json")
    data = json.loads(shown.stdout)
    assert data["status"] == "answered"
    assert data["asked_by"] == {"id": 101, "name": "Brendan O'Hara"}
    assert data["department"] == {"id": 60, "name": "Department for Education"}
    assert data["votes"] == {"yes": 0, "no": 0}
    assert data["attachments"][0]["url"] == "https://example.org/table.pdf"
    assert data["date_holding_answer"] == "2021-01-25"


def test_a_new_database_holds_the_seed_record(tmp_path: Path) -> None:
    shown = run_cli("show", "SEED-1", "--db", str(tmp_path / "new.db"), "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["heading"] == "Special Educational Needs"
    assert data["asked_by"]["name"] == "Lord Porter of Spalding"
    assert data["answered_by"]["name"] == "Lord Agnew of Oulton"
    assert data["department"]["name"] == "Department for Education"
    assert data["date_answered"] == "2019-06-03"


def test_run_without_token_says_how_to_get_one(tmp_path: Path) -> None:
    result = run_cli(
        "run",
        "--db",
        str(tmp_path / "r.db"),
        cwd=tmp_path,
        env_extra={"PYTHONPATH": str(REPO_ROOT)},
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0] and "python -m bot search" in lines[0]


def test_bad_setting_stops_with_one_line(tmp_path: Path) -> None:
    result = run_cli(
        "show", "1", "--db", str(tmp_path / "r.db"), env_extra={"POLL_INTERVAL_SECONDS": "soon"}
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Configuration error: POLL_INTERVAL_SECONDS: 'soon' is not a number of seconds"
    )


def test_a_bare_array_of_result_items_is_loaded(store: Store, tmp_path: Path) -> None:
    # mySociety's dump of the API saves the list's result items with no envelope.
    value = json.loads((FIXTURES / "holding.json").read_text())["value"]
    path = tmp_path / "bare.json"
    path.write_text(json.dumps([{"value": value, "links": []}, {"value": dict(value, id=0)}]))
    report = ingest_paths(store, [path])
    (file_report,) = report.files
    assert (file_report.kind, file_report.new) == ("api-json", 1)
    assert file_report.rejected == [("[1]", "id is not a positive number: 0")]
    assert store.question(value["id"])["status"] == "holding"


def test_a_real_list_saved_as_a_bare_array_loads_as_the_list_does(tmp_path: Path) -> None:
    source = shared_data("parliament-api", "list-answered-2021-02-01-both-houses-subset.json")
    results = json.loads(source.read_text(encoding="utf-8"))["results"]
    bare = tmp_path / "2021-02.json"
    bare.write_text(json.dumps(results), encoding="utf-8")
    with Store(tmp_path / "list.db") as listed, Store(tmp_path / "bare.db") as loose:
        ingest_paths(listed, [source])
        report = ingest_paths(loose, [bare])
        assert not report.failed
        assert report.files[0].new == len(results) == listed.count_questions()
        sql = ("SELECT id, status, heading, answer_text, answering_body_id FROM questions "
               "ORDER BY id")
        assert loose.conn.execute(sql).fetchall() == listed.conn.execute(sql).fetchall()
    assert run_cli("ingest", str(bare), "--db", str(tmp_path / "cli.db")).returncode == 0


def test_a_file_named_that_yields_nothing_fails_with_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    empty = tmp_path / "empty-array.json"
    empty.write_text("[]")
    result = run_cli("ingest", str(empty), str(FIXTURES / "holding.json"), "--db", db)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"ingest: nothing loaded from {empty}: it holds no questions"
    )
    statements = tmp_path / "statements.json"
    statements.write_text(json.dumps({"results": [{"value": {"id": 1, "dateMade": "2021"}}]}))
    result = run_cli("ingest", str(statements), "--db", db, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["nothing_loaded"] == [str(statements)]
    assert result.stderr.strip().splitlines() == [
        f"ingest: nothing loaded from {statements}: not questions: written statements, "
        "not written questions"
    ]
    # A folder may hold files of other kinds: only a file named itself must yield something.
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "statements.json").write_bytes(statements.read_bytes())
    (folder / "holding.json").write_bytes((FIXTURES / "holding.json").read_bytes())
    assert run_cli("ingest", str(folder), "--db", db).returncode == 0
