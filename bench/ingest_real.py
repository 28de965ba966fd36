"""Ingest throughput on the real sample files beside the raw-insert floor of the same rows.

    python -m bench.ingest_real [--data tests/fixtures/real] [--repeat 5]

The sample is small (a few hundred records), so each figure is the median of several runs into
fresh stores; both are measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.search_bench import raw_insert
from bot.core.sources.ingest import ingest_paths, iter_files, read_file
from bot.core.store.database import Store

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"


def once(data: Path, folder: Path, run: int) -> tuple[float, float, int]:
    db = folder / f"ingest-{run}.db"
    with Store(db) as store:
        started = time.perf_counter()
        report = ingest_paths(store, [data])
        ingest_seconds = time.perf_counter() - started
    records = report.totals()["new"]
    rows = [p.question for path in iter_files([data]) for p in read_file(path).accepted]
    unique = {row["id"]: row for row in rows}
    with Store(folder / f"floor-{run}.db") as store:
        floor_seconds = raw_insert(store, list(unique.values()))
    return records / ingest_seconds, len(unique) / floor_seconds, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = [once(args.data, Path(folder), i) for i in range(args.repeat)]
    ingest = statistics.median(r[0] for r in runs)
    floor = statistics.median(r[1] for r in runs)
    print(f"Real sample files ({runs[0][2]} records, parse + upsert + change log, "
          f"median of {args.repeat}): {ingest:,.0f} records/s; raw insert floor of the same "
          f"rows: {floor:,.0f} records/s (ratio {ingest / floor:.2f})")


if __name__ == "__main__":
    main()
