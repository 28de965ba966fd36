"""Draw the answers of ``not_held_test2.json``: a fresh test set for the "not held" detector.

The test split of ``not_held_labelled.json`` had been scored by three designs, each after its
tuning, so a fourth could not be judged on it without being tuned to it. This draws answers no
set has held (leaving out ``not_held_labelled.json`` and ``not_held_extra_dev.json`` by id and by
text) from the same two pools, with a ``random`` stratum again so that recall also covers answers
without decline words. All drawn answers are test: they are labelled by reading, before the
detector is scored on them, and never read for tuning.

Cells are decided by the detector at ``DETECTOR_AT_DRAW`` given each answer's question: ``F``
flagged, ``D`` not flagged with a decline word (the first draw's list), ``R`` the rest. Per pool,
``random.Random(SEED)`` draws ``random`` from the whole frame, then ``flagged`` from F and
``decline_words`` from D, leaving out what was already drawn (sizes in ``SIZES``; a cell smaller
than its size is taken whole). The frame sizes are written beside the draw so that the scorer can
weight each answer back to its pool.

    python tests/eval/build_not_held_test2.py --uwq GITDIR --twfy GITDIR --out draft.json
    python tests/eval/build_not_held_test2.py --set 3 ...   # not_held_test3.json (SEED_3)
    python tests/eval/build_not_held_test2.py --set 4 ...   # not_held_test4.json (SEED_4)

``--set 3`` draws ``not_held_test3.json`` the same way, leaving out ``not_held_test2.json`` and the
third development draw too, with cells by the detector at ``DETECTOR_AT_DRAW_3``: a second
held-out measure, first of the detector that ``not_held_test2.json`` had judged last.
``--set 4`` draws ``not_held_test4.json`` likewise, leaving out ``not_held_test3.json`` too, with
cells by the fifth design (``DETECTOR_AT_DRAW_4``): the set that judges a design tuned on both
earlier held-out sets.

The same two bare git directories as ``build_not_held_sample.py`` (which this reuses).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_not_held_sample as first  # noqa: E402  (beside this file)

SEED = 20261214
SIZES = {
    "api": {"random": 90, "flagged": 50, "decline_words": 40},
    "parlparse2009": {"random": 40, "flagged": 20, "decline_words": 10},
}
DETECTOR_AT_DRAW = {"file": "bot/core/reports/not_held.py", "repo_commit": "9e8697e"}
SEED_3 = SEED + 7
DETECTOR_AT_DRAW_3 = {"file": "bot/core/reports/not_held.py", "repo_commit": "ec840eb"}
SEED_4 = SEED + 14
DETECTOR_AT_DRAW_4 = {"file": "bot/core/reports/not_held.py", "repo_commit": "870dd19"}
SEEDS = {2: (SEED, DETECTOR_AT_DRAW), 3: (SEED_3, DETECTOR_AT_DRAW_3),
         4: (SEED_4, DETECTOR_AT_DRAW_4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uwq", required=True)
    ap.add_argument("--twfy", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--set", type=int, choices=sorted(SEEDS), default=2)
    args = ap.parse_args()

    # Left out: every set drawn before this one (by id and by text). The third development
    # draw came after test2 and before test3.
    seen = json.loads((HERE / "not_held_labelled.json").read_text())
    extra = json.loads((HERE / "not_held_extra_dev.json").read_text())
    seen += [i for i in extra if args.set > 2 or i.get("draw", 1) < 3]
    for earlier in range(2, args.set):
        seen += json.loads((HERE / f"not_held_test{earlier}.json").read_text())
    raw = {
        "api": first.api_fixtures() + first.api_longform(args.uwq),
        "parlparse2009": first.parlparse(args.twfy),
    }
    seed, detector = SEEDS[args.set]
    pools = first.pooled(raw, first.cells_by(first.detector_at(detector), True), seen)
    rng = random.Random(seed)
    drawn = []
    frames: dict[str, dict[str, int]] = {}
    for name, pool in pools.items():
        frames[name] = {c: sum(1 for i in pool if i["cell"] == c) for c in "FDR"}
        taken: set[str] = set()
        for stratum, cells in (("random", "FDR"), ("flagged", "F"), ("decline_words", "D")):
            frame = [i for i in pool if i["cell"] in cells and i["id"] not in taken]
            for item in rng.sample(frame, min(len(frame), SIZES[name][stratum])):
                taken.add(item["id"])
                drawn.append({**item, "stratum": stratum})
        print(name, "frame", frames[name])
    out = {
        "seed": seed,
        "sizes": SIZES,
        "detector_at_draw": detector,
        "frames": frames,
        "items": [first.unlabelled(d, f"test{args.set}") for d in drawn],
    }
    Path(args.out).write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(len(out["items"]))


if __name__ == "__main__":
    main()
