"""A consistent copy of the store while the bot runs and writes (``python -m bot backup PATH``).

How: SQLite's online backup API (``sqlite3.Connection.backup``) in **one step**, from a
read-only connection, into a file beside ``PATH`` that is renamed to ``PATH`` only once it is
complete and checked.

- One step is one read transaction: the copy is the store exactly as it was at one commit,
  with the write-ahead log's committed pages in it. The store is in WAL mode, so that read
  blocks no writer: votes, polls and an ``ingest`` carry on committing while the copy is made
  (the WAL grows meanwhile, and is checkpointed after).
- Not in many small steps: SQLite restarts a stepped backup from the first page whenever
  another connection writes to the source between two steps, so under a bot that records
  votes or an ingest a large store's copy starts again and again (``bench/backup_bench.py``
  counts the restarts).
- Not ``VACUUM INTO``: it rebuilds every table and index into the copy instead of copying
  pages, and was no faster (1,000,000 questions, side by side: 24.6–28.3 s for the pages,
  25.6–34.0 s for ``VACUUM INTO``, ``bench/backup_bench.py``); its one gain, a file without
  free pages, was 0.7% smaller there. Both hold one read transaction and block no writer.

The integrity check is most of the time (about 60 s of the whole at a million questions): it
reads every page and checks every index against its table, which is what makes the copy one to
trust.

Then ``PRAGMA integrity_check`` on the copy, the copy's counts of what people made (questions,
votes, subscriptions, alerts), and the rename. The copy uses a rollback journal, so it is one
self-contained file (no ``-wal`` or ``-shm`` beside it); the bot turns WAL on again when it opens
a restored copy. An existing file at ``PATH`` is refused unless ``force`` is given, and even then
it is replaced only by a complete, checked copy. The store itself is never a target.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["COUNTED", "BackupError", "BackupReport", "backup_store"]

#: The tables whose rows are counted in the report: the questions, and what people made.
COUNTED = ("questions", "votes", "subscriptions", "alerts")


class BackupError(RuntimeError):
    """The copy could not be made, or failed its check; the message says why."""


@dataclass(frozen=True)
class BackupReport:
    """A copy made: where, how big, how long it took, its check and its counts."""

    path: Path
    bytes: int
    seconds: float
    integrity: str
    counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """``{"path", "bytes", "seconds", "integrity", "counts": {...}}``."""
        return {
            "path": str(self.path),
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "integrity": self.integrity,
            "counts": dict(self.counts),
        }

    def as_text(self) -> str:
        """Lines for a person."""
        counts = ", ".join(f"{name} {count:,}" for name, count in self.counts.items())
        return (
            f"Backed up to {self.path} ({self.bytes / 1e6:,.1f} MB) in {self.seconds:.1f} s.\n"
            f"Integrity check: {self.integrity}.\n"
            f"In the copy: {counts}."
        )


def _partial_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (where the system allows a folder to be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {
        name: (conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0] if name in present else 0)
        for name in COUNTED
    }


def _integrity(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check``'s lines (``["ok"]`` when whole); damage bad enough to stop
    the check is reported as its one line."""
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]


def backup_store(source: str | Path, target: str | Path, *, force: bool = False) -> BackupReport:
    """Copy the store at ``source`` to ``target`` while others write to it; check and count it.

    Raises ``BackupError`` (nothing is left at ``target``, and an existing file there is kept)
    when ``source`` is no store, ``target`` exists and ``force`` is false, ``target`` is the
    store itself, or the copy fails its integrity check.
    """
    source = Path(source)
    target = Path(target)
    if not source.is_file():
        raise BackupError(f"{source}: no store there")
    if _same_file(source, target) or target.resolve() == source.resolve():
        raise BackupError(f"{target} is the store itself: give another path")
    if target.exists() and not force:
        raise BackupError(f"{target} exists: give a new path, or --force to replace it")
    if target.exists() and not target.is_file():
        raise BackupError(f"{target} is not a file")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    partial = _partial_path(target)
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        try:
            # Read-only: the backup never writes to (or migrates) the store it copies.
            src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=60)
        except sqlite3.Error as error:
            raise BackupError(f"{source}: cannot be opened ({error})") from None
        try:
            dst = sqlite3.connect(partial, isolation_level=None)
            try:
                try:
                    src.backup(dst)  # pages=-1: one step, one read transaction, one commit
                except sqlite3.Error as error:
                    raise BackupError(f"{source}: could not be copied ({error})") from None
                # One self-contained file: the copy keeps no write-ahead log beside it.
                problems = _integrity(dst)
                if problems == ["ok"]:  # one self-contained file: no write-ahead log beside it
                    dst.execute("PRAGMA journal_mode=DELETE")
                if problems != ["ok"]:
                    shown = "; ".join(problems[:5])
                    raise BackupError(f"the copy failed its integrity check: {shown}")
                counts = _counts(dst)
            finally:
                dst.close()
        finally:
            src.close()
        with open(partial, "rb") as made:
            os.fsync(made.fileno())
        os.replace(partial, target)
        _sync_folder(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        Path(f"{partial}-journal").unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    return BackupReport(target, target.stat().st_size, seconds, "ok", counts)
