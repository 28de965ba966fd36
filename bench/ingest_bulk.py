"""Bulk ingest beside the raw-insert floor, this code beside another checkout's, in one run.

    python -m bench.ingest_bulk --before CHECKOUT [--sizes 100000,300000] [--repeat 3]
    python -m bench.ingest_bulk --whole-floor [--sizes 1000000] [--repeat 1]

For each repeat, in turn for each code: `ingest` of the corpus's first part (50,000 questions)
into an empty store, the raw-insert floor of that part (``search_bench.raw_insert``, this
code, into the tables a question lives in: no summary triggers, as ``--whole-floor``'s), then the
whole build of each size. Every figure is a median over the repeats, measured
side by side: the machine is shared, so only figures of one run compare. Each build also
checks that both codes stored the same rows and change log (timestamps aside).

Each measurement runs in a fresh process started in that checkout, so it imports that code.

``--whole-floor`` measures, for each size, this code's whole build beside the raw-insert floor of
the *same* build, and beside the least any design keeping the store's promises must do
(``_LEAST``): every part parsed untimed, then inserted straight into one store, part by part,
each in its own transaction as ``ingest`` does, with no triggers (so no summary tables kept). The
floor of the first part into an empty store leaves out what a growing store costs (deeper
B-trees, bigger full-text segments to merge), which every real build pays.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.checkouts import ROOT, run_in

HERE = Path(__file__).resolve()
OUT = HERE.parent / "out"

# Run in the checkout measured: imports only its `bot`, so any version of the code will do.
_CHILD = """
import hashlib, json, resource, sys, time
from pathlib import Path
from bot.core.sources.ingest import ingest_paths
from bot.core.store.database import Store

def digest(store):
    sha = hashlib.sha256()
    for sql in (
        "SELECT id, status, tags, heading, question_text, answer_text, date_answered, "
        "captured_at FROM questions ORDER BY id",
        "SELECT question_id, kind, status, source, detail FROM changes ORDER BY seq",
        "SELECT * FROM answered_months ORDER BY month",
        "SELECT rowid FROM questions_fts WHERE questions_fts MATCH 'school' ORDER BY rowid",
    ):
        for row in store.conn.execute(sql):
            sha.update(repr(row).encode())
    return sha.hexdigest()[:16]

def main():
    db, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    with Store(db) as store:
        started, cpu = time.perf_counter(), time.process_time()
        report = ingest_paths(store, files)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the parsing process, ended
        new = report.totals()["new"]
        indexes = store.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchone()[0]
        print(json.dumps({"new": new, "seconds": seconds, "cpu": cpu,
                          "children_cpu": usage.ru_utime + usage.ru_stime,
                          "digest": f"{digest(store)}, {indexes} indexes"}))
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)

if __name__ == "__main__":
    main()
"""

@dataclass
class Runs:
    rates: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # main process CPU us a record
    all_cpu: list[float] = field(default_factory=list)  # with the parsing process's
    digests: set[str] = field(default_factory=set)

    def add(self, result: dict[str, float | str]) -> None:
        self.rates.append(float(result["new"]) / float(result["seconds"]))
        self.cpu.append(float(result["cpu"]) / float(result["new"]) * 1e6)
        spent = float(result["cpu"]) + float(result.get("children_cpu", 0))
        self.all_cpu.append(spent / float(result["new"]) * 1e6)
        self.digests.add(str(result["digest"]))


def measure(checkout: Path, files: list[Path]) -> dict[str, float | str]:
    script = OUT / "ingest_bulk_child.py"
    script.write_text(_CHILD)
    db = OUT / f"bulk-{os.getpid()}.db"
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run([sys.executable, str(script), str(db), *map(str, files)],
                          cwd=checkout, env=env, capture_output=True, text=True, check=True)
    result: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


_WHOLE_FLOOR = """
import json, sys, time
from pathlib import Path
from bench.search_bench import raw_insert
from bot.core.sources.api_json import iter_api_document
from bot.core.store.database import Store
db = Path(sys.argv[1])
for suffix in ("", "-wal", "-shm"):
    Path(str(db) + suffix).unlink(missing_ok=True)
seconds = cpu = 0.0
count = 0
with Store(db) as store:
    # The floor inserts into the tables a question lives in; the summary tables are extra.
    for (name,) in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        store.conn.execute(f"DROP TRIGGER {name}")
    for part in sys.argv[2:]:
        rows = [p.question for _, p in iter_api_document(json.loads(Path(part).read_bytes()))]
        started_cpu = time.process_time()
        seconds += raw_insert(store, rows)
        cpu += time.process_time() - started_cpu
        count += len(rows)
print(json.dumps({"rate": count / seconds, "cpu": cpu / count * 1e6, "new": count}))
for suffix in ("", "-wal", "-shm"):
    Path(str(db) + suffix).unlink(missing_ok=True)
"""


# The least any design that keeps this store's promises must do for a load of new questions,
# every row shaped beforehand (untimed, as if the parsing process had done it), nothing but SQL
# in the clock: look up which ids are stored, insert the questions, index their text, log each
# as new, with the read-side indexes and summary triggers set aside and built and counted again
# at the end, as a bulk load does. (Printings are looked up only for ParlParse records: none
# here.) A ceiling for a storing process that only executes what it is sent.
_LEAST = """
import json, sys, time
from datetime import date
from pathlib import Path
from bot.core.records import question_tags, status_of
from bot.core.sources.api_json import iter_api_document
from bot.core.store.database import Store
from bot.core.store.states import ChangeKind
db = Path(sys.argv[1])
for suffix in ("", "-wal", "-shm"):
    Path(str(db) + suffix).unlink(missing_ok=True)
columns = Store._INSERT_COLUMNS
insert = (f"INSERT INTO questions ({', '.join(columns)}) "
          f"VALUES ({', '.join('?' * len(columns))})")
index = ("INSERT INTO questions_fts(rowid, heading, question_text, answer_text, tags) "
         "VALUES (?, ?, ?, ?, ?)")
log = ("INSERT INTO changes (question_id, kind, status, source, detail, recorded_at) "
       "VALUES (?, ?, ?, ?, ?, ?)")
days = ("date_tabled", "date_for_answer", "date_answered", "date_holding_answer")
seconds = cpu = 0.0
count = 0
with Store(db) as store:
    wall, used = time.perf_counter(), time.process_time()
    store.set_aside_indexes()
    seconds += time.perf_counter() - wall
    cpu += time.process_time() - used
    for part in sys.argv[2:]:
        rows = [p.question for _, p in iter_api_document(json.loads(Path(part).read_bytes()))]
        now = "2026-12-07T00:00:00.000000Z"
        for row in rows:
            row.update(status=status_of(row), tags=question_tags(row), first_seen=now,
                       updated_at=now, captured_at=now)
        values = [[row.get(c) for c in columns] for row in rows]
        texts = [(r["id"], r["heading"], r["question_text"], r["answer_text"], r["tags"])
                 for r in rows]
        logs = [(r["id"], ChangeKind.TABLED if r["status"] == "unanswered" else ChangeKind.NEW,
                 r["status"], "ingest:x", None, now) for r in rows]
        ids = [r["id"] for r in rows]
        wall, used = time.perf_counter(), time.process_time()
        with store.transaction():
            store.calendar.cover((r.get(k) for r in rows for k in days), date(2026, 12, 7))
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                store.conn.execute(
                    f"SELECT id FROM questions WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall()
            store.conn.executemany(insert, values)
            store.conn.executemany(index, texts)
            store.conn.executemany(log, logs)
        seconds += time.perf_counter() - wall
        cpu += time.process_time() - used
        count += len(rows)
    wall, used = time.perf_counter(), time.process_time()
    store.restore_indexes()
    seconds += time.perf_counter() - wall
    cpu += time.process_time() - used
print(json.dumps({"rate": count / seconds, "cpu": cpu / count * 1e6, "new": count}))
for suffix in ("", "-wal", "-shm"):
    Path(str(db) + suffix).unlink(missing_ok=True)
"""


def rate(script: str, files: list[Path]) -> tuple[float, float]:
    """Records/s and CPU us a record of ``script`` (``_WHOLE_FLOOR`` or ``_LEAST``) over
    ``files``, in a fresh process of this code. (The floor's CPU includes working out status and
    tags, which ``raw_insert``'s clock leaves out.)"""
    result = run_in(ROOT, script, OUT / f"bulk-scratch-{os.getpid()}.db", *files)
    return float(result["rate"]), float(result["cpu"])


def whole_floor_main(sizes: list[int], repeat: int) -> None:
    from bench.search_bench import corpus_files

    started = datetime.now(UTC)
    load = os.getloadavg()[0]
    rows = []
    for size in sizes:
        files = corpus_files(size, False)
        build, floors, leasts = Runs(), Runs(), Runs()
        for _ in range(repeat):
            for runs, script in ((floors, _WHOLE_FLOOR), (leasts, _LEAST)):
                got, cpu = rate(script, files)
                runs.rates.append(got)
                runs.cpu.append(cpu)
            build.add(measure(HERE.parent.parent, files))
            print(f"{size:,}: floor {floors.rates[-1]:,.0f}, least {leasts.rates[-1]:,.0f}, "
                  f"build {build.rates[-1]:,.0f} rec/s", file=sys.stderr, flush=True)
        rows.append((size, floors, leasts, build))
    load = max(load, os.getloadavg()[0])
    print(f"Produced by `python -m bench.ingest_bulk --whole-floor --sizes "
          f"{','.join(map(str, sizes))} --repeat {repeat}` on {started:%Y-%m-%d} "
          f"({os.cpu_count()} cores, load average up to {load:.1f}); medians of {repeat}.\n")
    print("| build | floor of the whole build, rec/s | the least a load must do, rec/s (/ floor) "
          "| build, rec/s | build / floor | CPU us a record: floor / least / storing process / "
          "with the parsing process |")
    print("|---|---|---|---|---|---|")
    for size, floors, leasts, build in rows:
        f, least_rate, b = med(floors.rates), med(leasts.rates), med(build.rates)
        print(f"| {size:,} | {f:,.0f} | {least_rate:,.0f} ({least_rate / f:.2f}) | {b:,.0f} | "
              f"{b / f:.2f} | {med(floors.cpu):.0f} / {med(leasts.cpu):.0f} / "
              f"{med(build.cpu):.0f} / {med(build.all_cpu):.0f} |")


def med(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="checkout of the old code")
    parser.add_argument("--whole-floor", action="store_true",
                        help="this code's whole builds beside the floor of the same builds")
    parser.add_argument("--sizes", default="100000,300000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.whole_floor:
        whole_floor_main([int(s) for s in args.sizes.split(",")], args.repeat)
        return
    if args.before is None:
        parser.error("--before is required (or --whole-floor)")
    from bench.search_bench import corpus_files

    OUT.mkdir(exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    corpora = {size: corpus_files(size, False) for size in sizes}
    part = corpora[sizes[0]][:1]
    codes = {"before": args.before.resolve(), "after": HERE.parent.parent}
    one = {name: Runs() for name in codes}
    whole = {(name, size): Runs() for name in codes for size in sizes}
    floors: list[float] = []
    floor_cpu: list[float] = []
    started = datetime.now(UTC)
    load = os.getloadavg()[0]
    for repeat in range(args.repeat):
        for name, checkout in codes.items():
            one[name].add(measure(checkout, part))
        got, cpu = rate(_WHOLE_FLOOR, part)
        floors.append(got)
        floor_cpu.append(cpu)
        for size in sizes:
            for name, checkout in codes.items():
                whole[name, size].add(measure(checkout, corpora[size]))
                print(f"repeat {repeat + 1}, {size:,}, {name}: "
                      f"{whole[name, size].rates[-1]:,.0f} rec/s", file=sys.stderr, flush=True)
    load = max(load, os.getloadavg()[0])
    base = med(floors)
    print(f"Produced by `python -m bench.ingest_bulk --before CHECKOUT --sizes {args.sizes} "
          f"--repeat {args.repeat}` on {started:%Y-%m-%d} ({os.cpu_count()} cores, load "
          f"average up to {load:.1f}); medians of {args.repeat}, rec/s; raw insert floor of "
          f"the first part (50,000): {base:,.0f} rec/s, {med(floor_cpu):.0f} us of CPU a "
          f"record.\n")
    print("| load | before rec/s | after rec/s | after / before | before / floor | "
          "after / floor | CPU us a record, storing process: before / after | with the parsing "
          "process: before / after | same rows and log |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [("one part, 50,000", one["before"], one["after"])]
    rows += [(f"whole build, {size:,}", whole["before", size], whole["after", size])
             for size in sizes]
    for label, before, after in rows:
        # The rows' digest, not the count of indexes after it (a code may add an index).
        same = "yes" if len({d.split(",")[0] for d in before.digests | after.digests}) == 1 \
            else "NO"
        b, a = med(before.rates), med(after.rates)
        print(f"| {label} | {b:,.0f} | {a:,.0f} | {a / b:.2f} | {b / base:.2f} | "
              f"{a / base:.2f} | {med(before.cpu):.0f} / {med(after.cpu):.0f} | "
              f"{med(before.all_cpu):.0f} / {med(after.all_cpu):.0f} | {same} |")


if __name__ == "__main__":
    main()
