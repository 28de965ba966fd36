"""``python -m bot backup``: a consistent, checked copy of the store while others write to it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO_ROOT, hand_fixtures

from bench.corpus import write_corpus
from bot.core.sources.ingest import ingest_paths
from bot.core.store.backup import BackupError, backup_store
from bot.core.store.database import Store
from bot.core.votes import VoteLedger

PER_FILE = 400


def _cli(*args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_PATH")}
    return subprocess.Popen([sys.executable, "-m", "bot", *args], cwd=REPO_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class VoteWriter(threading.Thread):
    """The bot's writer: votes by ever new people, one transaction each, until stopped; each
    vote is listed once committed."""

    def __init__(self, path: Path, question_ids: list[int]) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.question_ids = question_ids
        self.committed: list[tuple[int, int, bool]] = []
        self.errors: list[BaseException] = []
        self.stop = threading.Event()
        self.first = threading.Event()

    def run(self) -> None:
        try:
            with Store(self.path) as store:
                ledger = VoteLedger(store)
                user = 1000
                while not self.stop.is_set():
                    user += 1
                    qid = self.question_ids[user % len(self.question_ids)]
                    ledger.vote(qid, user, user % 3 != 0, "button", None)
                    self.committed.append((qid, user, user % 3 != 0))
                    self.first.set()
        except BaseException as error:  # reported by the test
            self.errors.append(error)
            self.first.set()


def test_a_backup_during_an_ingest_beside_the_bot_is_whole_and_keeps_every_vote(
    tmp_path: Path,
) -> None:
    db = tmp_path / "answers.db"
    with Store(db) as store:
        assert not ingest_paths(store, hand_fixtures()).failed
        question_ids = [row[0] for row in store.conn.execute("SELECT id FROM questions")]
        before_ingest = store.count_questions()
    # 24 files of 400 new questions: the ingest commits a file at a time for a while.
    files = write_corpus(tmp_path / "load" / "corpus.json", 24 * PER_FILE, seed=3,
                         per_file=PER_FILE)
    writer = VoteWriter(db, question_ids)
    writer.start()
    assert writer.first.wait(60) and not writer.errors
    ingest = _cli("ingest", "--db", str(db), str(tmp_path / "load"))
    try:
        # Into the ingest: its first file has committed, the rest are on their way.
        with sqlite3.connect(db, timeout=60) as probe:
            while probe.execute("SELECT count(*) FROM questions").fetchone()[0] == before_ingest:
                assert ingest.poll() is None, ingest.communicate()
        voted_before = list(writer.committed)  # every vote committed before the backup began
        backup = _cli("backup", str(tmp_path / "copy.db"), "--db", str(db), "--json")
        out, err = backup.communicate(timeout=300)
        ingest_running_after = ingest.poll() is None
    finally:
        writer.stop.set()
        writer.join(60)
        ingest.communicate(timeout=300)
    assert backup.returncode == 0, err
    assert not writer.errors  # the writer was never refused while the copy was made
    report = json.loads(out)
    copy = Path(report["path"])
    assert copy == tmp_path / "copy.db" and report["bytes"] == copy.stat().st_size
    assert report["integrity"] == "ok"
    # Checked again here, the full-text index included: the copy is a whole store.
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO questions_fts (questions_fts) VALUES ('integrity-check')")
        votes = {(q, u): bool(h) for q, u, h in conn.execute(
            "SELECT question_id, user_id, helpful FROM votes")}
        questions = conn.execute("SELECT count(*) FROM questions").fetchone()[0]
    assert all(votes.get((q, u)) == h for q, u, h in voted_before)
    assert report["counts"]["votes"] == len(votes) >= len(voted_before)
    assert report["counts"]["questions"] == questions
    # One commit's state: whole files of the ingest, never part of one.
    assert questions > before_ingest
    assert (questions - before_ingest) % PER_FILE == 0
    assert set(report["counts"]) == {"questions", "votes", "subscriptions", "alerts"}
    # Where the copy lands nothing else is left: no journal, no write-ahead log, no partial.
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file() and "copy" in p.name) == [
        "copy.db"]
    # The copy opens as a store again (as after a restore) and reads as it was.
    with Store(copy) as restored:
        assert restored.count_questions() == questions
    print(f"ingest still running when the backup ended: {ingest_running_after}; votes "
          f"before {len(voted_before)}, in the copy {len(votes)}, in all {len(writer.committed)}")
    assert len(files) == 24


def test_backup_refuses_to_overwrite_unless_forced_and_never_the_store(tmp_path: Path) -> None:
    db = tmp_path / "answers.db"
    with Store(db) as store:
        assert not ingest_paths(store, hand_fixtures()).failed
        VoteLedger(store).vote(
            store.conn.execute("SELECT min(id) FROM questions").fetchone()[0], 7, True,
            "button", None)
    target = tmp_path / "backup.db"
    target.write_bytes(b"last week's backup")
    with pytest.raises(BackupError, match="exists"):
        backup_store(db, target)
    assert target.read_bytes() == b"last week's backup"  # kept
    with pytest.raises(BackupError, match="the store itself"):
        backup_store(db, db, force=True)
    with pytest.raises(BackupError, match="no store"):
        backup_store(tmp_path / "absent.db", tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()
    report = backup_store(db, target, force=True)
    assert report.counts["votes"] == 1 and report.integrity == "ok"
    assert target.read_bytes().startswith(b"SQLite format 3")

    refused = _cli("backup", str(target), "--db", str(db))
    out, err = refused.communicate(timeout=60)
    assert refused.returncode == 1 and "exists" in err and "--force" in err
    forced = _cli("backup", str(target), "--db", str(db), "--force")
    out, err = forced.communicate(timeout=60)
    assert forced.returncode == 0, err
    assert "Integrity check: ok" in out and "votes 1" in out


def test_a_copy_that_fails_its_check_is_not_left_behind(tmp_path: Path) -> None:
    db = tmp_path / "answers.db"
    with Store(db) as store:
        assert not ingest_paths(store, hand_fixtures()).failed
        store.conn.execute("PRAGMA journal_mode=DELETE")
    # Damage one index page in place: the store opens, but the check finds it.
    with sqlite3.connect(db) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE type = 'index' AND "
                            "tbl_name = 'questions' ORDER BY rootpage LIMIT 1").fetchone()[0]
    with open(db, "r+b") as file:
        file.seek((root - 1) * page_size + 8)
        file.write(b"\xff" * 64)
    with pytest.raises(BackupError, match="integrity"):
        backup_store(db, tmp_path / "copy.db")
    assert [p.name for p in tmp_path.iterdir() if "copy" in p.name] == []
