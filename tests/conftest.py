"""Shared test helpers: the real sample data beside the project, and small stores."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from bot.core.store.database import Store

REPO_ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


def recounted(
    conn: sqlite3.Connection, recount: Callable[[sqlite3.Connection], None],
    read: Callable[[sqlite3.Connection], T],
) -> T:
    """What ``read`` gives after ``recount`` counts a trigger-kept table again from the
    questions; the store is left as it was."""
    conn.execute("SAVEPOINT recount")
    try:
        recount(conn)
        return read(conn)
    finally:
        conn.execute("ROLLBACK TO recount")
        conn.execute("RELEASE recount")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Real captured API responses and ParlParse XML, committed with their provenance (README.md there).
SHARED_DATA = FIXTURES / "real"


def hand_fixtures() -> list[Path]:
    """The small hand-made fixture files (not the real samples under ``real/``)."""
    return sorted(p for p in FIXTURES.iterdir() if p.suffix in {".json", ".xml"})


def shared_data(*parts: str) -> Path:
    """A path under tests/fixtures/real; a missing file fails the test (it is committed)."""
    path = SHARED_DATA.joinpath(*parts)
    assert path.exists(), f"real sample data missing: {path}"
    return path


@pytest.fixture
def store(tmp_path: Path) -> Store:
    with Store(tmp_path / "test.db") as s:
        yield s


def grow_change_log(store: Store, rows: int) -> None:
    """``rows`` change-log entries over the stored questions, in one statement, as a bulk load
    leaves them."""
    with store.transaction():
        store.conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?), "
            "ids AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM questions), "
            "total AS (SELECT count(*) AS c FROM questions) "
            "INSERT INTO changes (question_id, kind, status, source, recorded_at) "
            "SELECT ids.id, 'new', 'answered', 'bulk', '2024-01-01' "
            "FROM n, total JOIN ids ON ids.k = n.i % total.c",
            (rows,),
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped test fails the run: every test's data and servers are in the repository, so a
    skip means a test silently stopped guarding anything."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if skipped and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if reporter is not None:
            reporter.write_line(f"{skipped} test(s) skipped: a skip fails the run", red=True)
