"""Draw the answers of ``not_held_labelled.json`` (how the honest not-held set was sampled).

This is the record of the draw, not something tests run. It needs two public repositories as
bare git directories (``fetch`` them or ``git clone --bare``):

* mysociety/uk-parl-written-questions @ 314d42a060828da5b8da22a2ec6a3c1ba2cba016
  (``data/raw/longform/*.sqlite``: full question and answer text, from the Written Questions API's
  single-question endpoint, of every Commons question tabled 2023-09 .. 2026-07 whose question
  text the list endpoint cut at 255 characters);
* mysociety/theyworkforyou @ 4a5b59cadb59f96e4e05d268b41a1842e1aade82
  (``uml-tests/parldata/scrapedxml/{wrans,lordswrans}/``: ParlParse XML of the Commons and Lords
  written answers of 26-29 October 2009; the latest scrape of each day is used).

plus this repository's ``tests/fixtures/real/parliament-api/*.json`` (untruncated answers only).

Pools and cells. Answers are pooled by era: ``api`` (the two API sources) and ``parlparse2009``.
Identical answer texts (grouped questions answered together) count once. Each answer falls in one
cell, decided by the detector *at the time of the draw* (``DETECTOR_AT_DRAW``, read from this
repository's history by ``detector_at``) and a fixed word list:

* ``F``: ``is_not_held(text)`` is true;
* ``D``: not F, and the text contains a decline word (``DECLINE_WORDS``);
* ``R``: the rest.

Strata. With ``random.Random(SEED)``, per pool: first ``random`` (a simple random sample of the
whole pool), then ``flagged`` (a simple random sample of cell F, leaving out answers already
drawn), then ``decline_words`` (likewise from cell D). Sizes are in ``SIZES``.

Split. Within each (pool, stratum) the answers are shuffled with ``random.Random(SEED + 1)``;
answers whose text overlaps ``not_held_cases.json`` go to dev; the rest fill dev up to half
(rounded up) and the remainder is test.

Output: a draft list with ``not_held``/``reason`` empty, and the sampling record (pool and cell
sizes) that ``score_not_held.py`` uses to weight estimates back to the pools.

    python tests/eval/build_not_held_sample.py --uwq GITDIR --twfy GITDIR --out draft.json
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import importlib
import json
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import types
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _first(names: tuple[str, ...], attr: str):
    """``attr`` from the first of ``names`` that imports (the package has been restructured)."""
    for name in names:
        try:
            return getattr(importlib.import_module(name), attr)
        except ImportError:
            continue
    raise ImportError(f"none of {names} provides {attr}")


html_to_text = _first(("bot.core.text", "bot.text"), "html_to_text")

SEED = 20240611
SIZES = {
    "api": {"random": 110, "flagged": 90, "decline_words": 50},
    "parlparse2009": {"random": 70, "flagged": 55, "decline_words": 45},
}
DECLINE_WORDS = re.compile(
    r"not\s+held|disproportionate|not\s+collected|not\s+recorded|not\s+available", re.IGNORECASE
)
# The draw used bot/not_held.py at commit 7b915e2 (sha256 below); it was then moved to
# bot/core/reports/not_held.py with only a docstring change, so either file reproduces the cells.
DETECTOR_AT_DRAW = {
    "file": "bot/not_held.py",
    "repo_commit": "7b915e28f1aaf99894fd90ee1cfb570fa0e4283c",
    "sha256": "9409f087fa2cba57c93726d1519ce4b293bd10cd1c8834770f004b21f6a40275",
}
UWQ = ("mysociety/uk-parl-written-questions", "314d42a060828da5b8da22a2ec6a3c1ba2cba016")
TWFY = ("mysociety/theyworkforyou", "4a5b59cadb59f96e4e05d268b41a1842e1aade82")
TWFY_FILES = [
    "uml-tests/parldata/scrapedxml/wrans/answers2009-10-26f.xml",
    "uml-tests/parldata/scrapedxml/wrans/answers2009-10-27c.xml",
    "uml-tests/parldata/scrapedxml/wrans/answers2009-10-28c.xml",
    "uml-tests/parldata/scrapedxml/wrans/answers2009-10-29a.xml",
    "uml-tests/parldata/scrapedxml/lordswrans/lordswrans2009-10-26a.xml",
    "uml-tests/parldata/scrapedxml/lordswrans/lordswrans2009-10-27a.xml",
    "uml-tests/parldata/scrapedxml/lordswrans/lordswrans2009-10-28a.xml",
    "uml-tests/parldata/scrapedxml/lordswrans/lordswrans2009-10-29a.xml",
]


def norm(text: str) -> str:
    return " ".join(text.lower().split())


def git_show(gitdir: str, commit: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", gitdir, "show", f"{commit}:{path}"], check=True, capture_output=True
    ).stdout


def git_ls(gitdir: str, commit: str, path: str) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", gitdir, "ls-tree", "--name-only", commit, path + "/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return sorted(out.split())


def api_longform(gitdir: str) -> list[dict]:
    repo, commit = UWQ
    items = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in git_ls(gitdir, commit, "data/raw/longform"):
            if not path.endswith(".sqlite"):
                continue
            local = Path(tmp, Path(path).name)
            local.write_bytes(git_show(gitdir, commit, path))
            con = sqlite3.connect(local)
            for key, value in sorted(con.execute("SELECT key, value FROM Dict")):
                qid = key.decode() if isinstance(key, bytes) else str(key)
                record = json.loads(value)
                answer = record.get("answer_text")
                if not answer:
                    continue  # not answered when mySociety fetched it
                items.append(
                    {
                        "id": f"uwq-{qid}",
                        "source": f"{repo}@{commit[:7]}:{path}#{qid}",
                        "question": " ".join((record.get("question_text") or "").split()),
                        "text": html_to_text(answer),
                    }
                )
            con.close()
    return items


def api_fixtures() -> list[dict]:
    items: dict[int, dict] = {}
    for path in sorted(glob.glob(str(ROOT / "tests/fixtures/real/parliament-api/*.json"))):
        data = json.loads(Path(path).read_text())
        rows = data.get("results") if "results" in data else [data]
        for row in rows or []:
            value = row.get("value", row)
            answer = value.get("answerText")
            if not answer or value.get("answerIsHolding") or value["id"] in items:
                continue
            if answer.rstrip().endswith("...") or answer.rstrip().endswith("…"):
                continue  # cut by the list endpoint: not the full answer
            rel = Path(path).relative_to(ROOT).as_posix()
            items[value["id"]] = {
                "id": f"api-{value['id']}",
                "source": f"{rel}#{value['id']}",
                "question": " ".join((value.get("questionText") or "").split()),
                "text": html_to_text(answer),
            }
    return list(items.values())


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _inner_html(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(ET.tostring(child, encoding="unicode"))
    return "".join(parts).strip()


def parlparse(gitdir: str) -> list[dict]:
    repo, commit = TWFY
    items = []
    for path in TWFY_FILES:
        root = ET.fromstring(git_show(gitdir, commit, path))
        pending: list[ET.Element] = []
        for element in root:
            if element.tag == "minor-heading":
                pending = []
            elif element.tag == "ques":
                pending.append(element)
            elif element.tag == "reply":
                for p in element.findall("p"):
                    if p.get("class") == "holdinganswer":
                        element.remove(p)  # a marker, not part of the answer
                gid = element.get("id", "")
                items.append(
                    {
                        "id": "twfy-" + gid.removeprefix("uk.org.publicwhip/wrans/"),
                        "source": f"{repo}@{commit[:7]}:{path}#{gid}",
                        "question": " ".join(_text(q) for q in pending),
                        "text": html_to_text(_inner_html(element)),
                    }
                )
                pending = []
    return items


def detector_at(drawn_by: dict[str, str]) -> Callable[..., bool]:
    """``is_not_held`` as it stood when a set was drawn (``{"file", "repo_commit"}``), read
    from this repository's history: a draw's cells are its day's detector's, whatever the
    package holds now, so the draw can be made again. (Every version imports only ``re``.)"""
    commit, path = drawn_by["repo_commit"], drawn_by["file"]
    source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:{path}"],
                            capture_output=True, text=True, check=True).stdout
    module = types.ModuleType(f"not_held_at_{commit[:7]}")
    exec(compile(source, f"{commit[:7]}:{path}", "exec"), module.__dict__)
    return module.is_not_held


def cells_by(detect: Callable[..., bool], given_question: bool) -> Callable[[dict], str]:
    """An answer's cell by ``detect``: ``F`` flagged, ``D`` not flagged with a decline word,
    ``R`` the rest; the later draws' detector reads the answer with its question."""

    def cell_of(item: dict) -> str:
        flagged = (detect(item["text"], item["question"] or None) if given_question
                   else detect(item["text"]))
        if flagged:
            return "F"
        return "D" if DECLINE_WORDS.search(item["text"]) else "R"

    return cell_of


def unlabelled(drawn: dict, split: str, **extra: object) -> dict:
    """A drawn answer as a set's item, its label to be given by reading; ``extra`` fields
    (the draw's number, a note) go after ``split``."""
    return {
        **{key: drawn[key] for key in ("id", "source", "pool", "stratum", "cell")},
        "split": split,
        **extra,
        "question": drawn["question"],
        "text": drawn["text"],
        "not_held": None,
        "reason": "",
    }


def pooled(
    raw: dict[str, list[dict]], cell_of: Callable[[dict], str], leave_out: list[dict] = ()
) -> dict[str, list[dict]]:
    """Each pool's answers with their ``pool`` and ``cell`` (``cell_of``): an answer text met
    again, in any pool, counts once (the first), and answers of ``leave_out`` (a set already
    drawn) are left out by id and by text."""
    left_ids = {i["id"] for i in leave_out}
    left_texts = {norm(i["text"]) for i in leave_out}
    seen: set[str] = set()
    pools: dict[str, list[dict]] = {}
    for name, items in raw.items():
        kept = []
        for item in items:
            key = norm(item["text"])
            if not key or key in seen:
                continue
            seen.add(key)
            if item["id"] in left_ids or key in left_texts:
                continue
            item["pool"] = name
            item["cell"] = cell_of(item)
            kept.append(item)
        pools[name] = kept
    return pools


def overlaps(text: str, cases: list[str]) -> bool:
    t = norm(text)
    for case in cases:
        c = norm(case).rstrip(".… ").removesuffix("...").strip()
        if len(c) >= 40 and (t.startswith(c[:200]) or c[:200] in t):
            return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--uwq", required=True, help="bare git dir of mysociety/uk-parl-written-questions"
    )
    ap.add_argument("--twfy", required=True, help="bare git dir of mysociety/theyworkforyou")
    ap.add_argument("--out", required=True)
    ap.add_argument("--record", default=str(ROOT / "tests/eval/not_held_sampling.json"))
    args = ap.parse_args()

    raw = {"api": api_fixtures() + api_longform(args.uwq), "parlparse2009": parlparse(args.twfy)}
    pools = pooled(raw, cells_by(detector_at(DETECTOR_AT_DRAW), given_question=False))

    cases = [c["text"] for c in json.loads((ROOT / "tests/eval/not_held_cases.json").read_text())]
    rng = random.Random(SEED)
    drawn: list[dict] = []
    for name, items in pools.items():
        taken: set[str] = set()
        for stratum, cells in (("random", "FDR"), ("flagged", "F"), ("decline_words", "D")):
            frame = [i for i in items if i["cell"] in cells and i["id"] not in taken]
            for item in rng.sample(frame, SIZES[name][stratum]):
                taken.add(item["id"])
                drawn.append({**item, "stratum": stratum})

    split_rng = random.Random(SEED + 1)
    for name in pools:
        for stratum in SIZES[name]:
            group = [d for d in drawn if d["pool"] == name and d["stratum"] == stratum]
            group.sort(key=lambda d: d["id"])
            split_rng.shuffle(group)
            forced = [d for d in group if overlaps(d["text"], cases)]
            rest = [d for d in group if d not in forced]
            n_dev = max(0, (len(group) + 1) // 2 - len(forced))
            for d in forced:
                d["split"], d["seen_in_not_held_cases"] = "dev", True
            for i, d in enumerate(rest):
                d["split"] = "dev" if i < n_dev else "test"

    out = [
        {**unlabelled(d, d["split"]),
         **({"seen_in_not_held_cases": True} if d.get("seen_in_not_held_cases") else {})}
        for d in drawn
    ]
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    candidates = ("bot/core/reports/not_held.py", "bot/" + "not_held.py")
    detector = next(ROOT / p for p in candidates if (ROOT / p).exists())
    record = {
        "seed": SEED,
        "split_seed": SEED + 1,
        "sizes": SIZES,
        "decline_words": DECLINE_WORDS.pattern,
        "detector_at_draw": DETECTOR_AT_DRAW,
        "detector_file_now": detector.relative_to(ROOT).as_posix(),
        "detector_sha256_now": hashlib.sha256(detector.read_bytes()).hexdigest(),
        "pools": {
            name: {c: sum(1 for i in items if i["cell"] == c) for c in "FDR"}
            for name, items in pools.items()
        },
        "sources": {"uwq": list(UWQ), "twfy": list(TWFY), "twfy_files": TWFY_FILES},
    }
    Path(args.record).write_text(json.dumps(record, indent=1) + "\n")
    print(json.dumps(record["pools"]), len(out))


if __name__ == "__main__":
    main()
