"""Rows as dicts: the one way the core turns a cursor's rows into dicts keyed by column name;
and reads that see one state of the store (``read_snapshot``)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import Any


def dict_rows(cursor: sqlite3.Cursor) -> Iterator[dict[str, Any]]:
    """Each row of an executed ``cursor`` as a dict keyed by column name, read lazily."""
    names = [d[0] for d in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def query_dicts(
    conn: sqlite3.Connection, sql: str, params: Iterable[object] | Mapping[str, object] = ()
) -> list[dict[str, Any]]:
    """A query's rows as dicts keyed by column name."""
    values = params if isinstance(params, dict) else tuple(params)
    return list(dict_rows(conn.execute(sql, values)))


@contextlib.contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """The reads inside see one state of the store (autocommit connections give each statement
    its own snapshot otherwise: a write committed between two reads would be seen by one of
    them only). Inside a transaction already, that one."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")
