"""Shared test helpers: the real sample data beside the project, and small stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or skip the test when that folder is not beside the project."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real sample data not available ({path} is absent)")
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
