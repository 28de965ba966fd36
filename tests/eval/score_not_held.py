"""Score the "not held" detector on the hand-labelled set ``not_held_labelled.json``.

    python tests/eval/score_not_held.py                 # test split (the honest measure)
    python tests/eval/score_not_held.py --split dev     # dev split (for working on the detector)
    python tests/eval/score_not_held.py --split all --errors
    python tests/eval/score_not_held.py --split dev --extra   # with not_held_extra_dev.json
    python tests/eval/score_not_held.py --split dev --extra --model   # the fitted design (README)
    python tests/eval/score_not_held.py --split test2   # the fresh test set, not_held_test2.json
    python tests/eval/score_not_held.py --split test3   # the second one, not_held_test3.json
    python tests/eval/score_not_held.py --split test4   # the third, not_held_test4.json

The detector is given each answer and its question (``--answer-only``: the answer alone).

Prints, for the chosen split:

* precision and recall over the labelled answers as drawn, with 95% Wilson intervals and the
  confusion counts. The set over-samples answers the detector flagged and answers with decline
  words (see README), so these are rates on the sample, not on all answers;
* the same per pool with each answer weighted back to its pool (``not_held_sampling.json`` holds
  the size of each cell: F = flagged by the detector at the time of the draw, D = not flagged
  but with a decline word, R = the rest). Intervals for these are simulated with a Jeffreys
  prior per cell, so a cell whose sample shows no errors still counts as uncertain;
* with ``--errors``, the answers the detector gets wrong, with the labeller's reason.

The detector is imported from the package: ``bot.core.reports.not_held``, else ``bot.not_held``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

for _module in ("bot.core.reports.not_held", "bot.not_held"):  # new layout, then the old one
    try:
        is_not_held = importlib.import_module(_module).is_not_held
        break
    except ImportError:
        continue
else:
    raise SystemExit("cannot import is_not_held from bot.core.reports.not_held or bot.not_held")

Z = 1.959963984540054  # 95%


def wilson(successes: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = successes / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def fmt(successes: int, n: int) -> str:
    if n == 0:
        return "   n/a (0/0)"
    lo, hi = wilson(successes, n)
    return f"{successes / n:6.3f} ({successes}/{n}; 95% CI {lo:.3f}-{hi:.3f})"


def _cells(items: list[dict], sizes: dict[str, int]) -> dict[str, list[int]]:
    """Per cell: counts of (flagged & not held, flagged & held, not flagged & not held, rest)."""
    out = {}
    for cell in sizes:
        members = [i for i in items if i["cell"] == cell]
        out[cell] = [
            sum(1 for i in members if i["pred"] and i["not_held"]),
            sum(1 for i in members if i["pred"] and not i["not_held"]),
            sum(1 for i in members if not i["pred"] and i["not_held"]),
            sum(1 for i in members if not i["pred"] and not i["not_held"]),
        ]
    return out


def _rates(shares: dict[str, list[float]], sizes: dict[str, int]) -> tuple[float, float]:
    tp = sum(sizes[c] * s[0] for c, s in shares.items())
    fp = sum(sizes[c] * s[1] for c, s in shares.items())
    fn = sum(sizes[c] * s[2] for c, s in shares.items())
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return precision, recall


def weighted(items: list[dict], sizes: dict[str, int], draws: int = 4000):
    """Precision and recall with each cell's sample standing for the whole cell, and 95%
    intervals by simulation. Within a cell, the share the detector flags is taken as sampled
    (for the detector of the draw it is exactly 1 in F and 0 in D and R); the share of those
    flagged, and of those not flagged, that are truly not held is drawn from a
    Beta(k + 1/2, n - k + 1/2) (Jeffreys prior), so a cell whose sample shows no errors still
    counts as uncertain."""
    groups = []  # (cell size x share of the cell, flagged?, positives, n)
    for cell, size in sizes.items():
        members = [i for i in items if i["cell"] == cell]
        for flagged in (True, False):
            group = [i for i in members if i["pred"] == flagged]
            if group:
                k = sum(1 for i in group if i["not_held"])
                groups.append((size * len(group) / len(members), flagged, k, len(group)))

    def rates(shares: list[float]) -> tuple[float, float]:
        tp = sum(w * q for (w, f, _, _), q in zip(groups, shares, strict=True) if f)
        fp = sum(w * (1 - q) for (w, f, _, _), q in zip(groups, shares, strict=True) if f)
        fn = sum(w * q for (w, f, _, _), q in zip(groups, shares, strict=True) if not f)
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        return precision, recall

    point = rates([k / n for _, _, k, n in groups])
    rng = random.Random(12345)
    sims = [
        rates([rng.betavariate(k + 0.5, n - k + 0.5) for _, _, k, n in groups])
        for _ in range(draws)
    ]
    return point, sims


def interval(values: list[float]) -> str:
    values = sorted(v for v in values if not math.isnan(v))
    if not values:
        return "n/a"
    lo = values[int(0.025 * (len(values) - 1))]
    hi = values[int(0.975 * (len(values) - 1))]
    return f"{lo:.3f}-{hi:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="test",
                    choices=["test", "dev", "all", "test2", "test3", "test4"])
    ap.add_argument("--file", default=None, help="the labelled answers (default: the split's)")
    ap.add_argument(
        "--no-borderline", action="store_true", help="leave out answers marked borderline"
    )
    ap.add_argument("--errors", action="store_true", help="list false positives and negatives")
    ap.add_argument(
        "--answer-only",
        action="store_true",
        help="give the detector the answer alone, not the question (as callers without it do)",
    )
    ap.add_argument(
        "--extra",
        action="store_true",
        help="add not_held_extra_dev.json (a second draw, all dev) to the answers scored",
    )
    ap.add_argument(
        "--model",
        action="store_true",
        help="score the second design, not adopted: the logistic regression of "
        "not_held_model.py with the weights in not_held_model_weights.json",
    )
    args = ap.parse_args()
    detect = is_not_held
    if args.model:
        sys.path.insert(0, str(HERE))
        from not_held_model import model_decides

        weights = json.loads((HERE / "not_held_model_weights.json").read_text())

        def detect(text: str, question: str | None = None) -> bool:
            return model_decides(text, question, weights)[0]

    held_out = args.split in ("test2", "test3", "test4")  # sets of their own, each one split
    default = f"not_held_{args.split}.json" if held_out else "not_held_labelled.json"
    items = json.loads(Path(args.file or HERE / default).read_text())
    if args.extra:
        items += json.loads((HERE / "not_held_extra_dev.json").read_text())
    if args.split != "all":
        items = [i for i in items if i["split"] == args.split]
    if args.no_borderline:
        items = [i for i in items if not i.get("borderline")]
    for i in items:
        if args.answer_only:
            i["pred"] = bool(detect(i["text"]))
        else:
            i["pred"] = bool(detect(i["text"], i.get("question") or None))

    tp = sum(1 for i in items if i["pred"] and i["not_held"])
    fp = sum(1 for i in items if i["pred"] and not i["not_held"])
    fn = sum(1 for i in items if not i["pred"] and i["not_held"])
    tn = sum(1 for i in items if not i["pred"] and not i["not_held"])
    print(f"split={args.split}  answers={len(items)}  labelled not held={tp + fn}")
    print(f"  precision {fmt(tp, tp + fp)}")
    print(f"  recall    {fmt(tp, tp + fn)}")
    print(f"  counts    TP={tp} FP={fp} FN={fn} TN={tn}")
    strata = sorted({(i["pool"], i["stratum"]) for i in items})
    for pool, stratum in strata:
        group = [i for i in items if i["pool"] == pool and i["stratum"] == stratum]
        g = {
            "tp": sum(1 for i in group if i["pred"] and i["not_held"]),
            "fp": sum(1 for i in group if i["pred"] and not i["not_held"]),
            "fn": sum(1 for i in group if not i["pred"] and i["not_held"]),
        }
        print(
            f"    {pool:14} {stratum:14} n={len(group):3}  not held={g['tp'] + g['fn']:3}  "
            f"TP={g['tp']} FP={g['fp']} FN={g['fn']}"
        )

    record_path = HERE / "not_held_sampling.json"
    if record_path.exists():
        record = json.loads(record_path.read_text())
        print("  weighted back to each pool (cells F/D/R at pool sizes; 95% simulated interval):")
        # The fresh test set's cells were decided by a later detector, over what was left.
        pools = record[args.split]["pools"] if held_out else record["pools"]
        for pool, sizes in pools.items():
            members = [i for i in items if i["pool"] == pool]
            sizes = {c: n for c, n in sizes.items() if n}  # a cell nothing fell in
            if not members or any(not any(i["cell"] == c for i in members) for c in sizes):
                continue
            (precision, recall), boots = weighted(members, sizes)
            print(
                f"    {pool:14} precision {precision:.3f} ({interval([b[0] for b in boots])})  "
                f"recall {recall:.3f} ({interval([b[1] for b in boots])})  "
                f"pool size {sum(sizes.values())}"
            )

    if args.errors:
        for kind, test in (
            ("FALSE POSITIVE", lambda i: i["pred"] and not i["not_held"]),
            ("FALSE NEGATIVE", lambda i: not i["pred"] and i["not_held"]),
        ):
            for i in (i for i in items if test(i)):
                flag = " [borderline]" if i.get("borderline") else ""
                print(f"\n{kind}{flag} {i['id']} ({i['stratum']}, {i['split']})\n  {i['reason']}")


if __name__ == "__main__":
    main()
