"""Fit the "not held" model on the dev answers, choose it by cross-validation, save its weights.

    python tests/eval/fit_not_held.py            # cross-validation table, then the chosen fit
    python tests/eval/fit_not_held.py --write    # also write not_held_model_weights.json

Only dev answers are read: the dev split of ``not_held_labelled.json`` and all of
``not_held_extra_dev.json`` (396 answers). The test split is never opened here.

The model is a logistic regression over ``not_held_model.features`` (the rule set's
signals and what surrounds them, and what the question asks), fitted by Newton's method with an
L2 penalty (the intercept is not penalised), in plain Python: deterministic, no dependency.
Answers with no not-held signal have no features and are never "not held"; they stay in the
folds, so the cross-validated figures count the recall they cost.

Cross-validation: 10 folds stratified by label, repeated 5 times with seeds 0-4, for each
feature set, penalty and threshold; the figures are pooled over all held-out predictions.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from not_held_model import FEATURES, features  # noqa: E402

WEIGHTS_PATH = HERE / "not_held_model_weights.json"
PENALTIES = (0.1, 0.3, 1.0, 3.0, 10.0)
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
# name: (features used, wide gate)
FEATURE_SETS = {
    "signals": ([f for f in FEATURES if f not in ("rules", "weak")], False),
    "signals, wide": ([f for f in FEATURES if f != "rules"], True),
    "signals + rules": ([f for f in FEATURES if f != "weak"], False),
    "rules only": (["rules"], False),
    # the rule set's decision and the few inputs that say what it misses: a cost or named
    # decline, a substitute or something else given instead, how much of the answer declines,
    # and whether the question asks for parts or asks whether data are held
    "compact + rules": (
        [
            "rules",
            "cost",
            "named",
            "substitute",
            "instead",
            "share",
            "figures_after",
            "q_parts",
            "q_holds",
            "publish",
            "overlap",
            "novel",
        ],
        False,
    ),
}


def dev_items() -> list[dict]:
    items = [
        i for i in json.loads((HERE / "not_held_labelled.json").read_text()) if i["split"] == "dev"
    ]
    items += json.loads((HERE / "not_held_extra_dev.json").read_text())
    assert all(i["split"] == "dev" for i in items)
    return items


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a x = b by Gaussian elimination with partial pivoting (a is small and positive
    definite here)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def fit(rows: list[list[float]], labels: list[int], penalty: float) -> list[float]:
    """Logistic regression weights [intercept, w1, ...] by Newton's method, L2 ``penalty`` on
    the weights (not the intercept)."""
    x = [[1.0, *row] for row in rows]
    k = len(x[0])
    w = [0.0] * k
    for _ in range(50):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for xi, yi in zip(x, labels, strict=True):
            z = sum(a * b for a, b in zip(w, xi, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - yi
            h = p * (1 - p)
            for a in range(k):
                grad[a] += g * xi[a]
                ha = h * xi[a]
                if ha:
                    row = hess[a]
                    for b in range(a, k):
                        row[b] += ha * xi[b]
        for a in range(1, k):
            grad[a] += penalty * w[a]
            hess[a][a] += penalty
        for a in range(k):
            hess[a][a] += 1e-9
            for b in range(a):
                hess[a][b] = hess[b][a]
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return w


def prob(w: list[float], row: list[float]) -> float:
    z = w[0] + sum(a * b for a, b in zip(w[1:], row, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def folds(labels: list[int], k: int, seed: int) -> list[int]:
    """A fold number per item, stratified by label."""
    rng = random.Random(seed)
    out = [0] * len(labels)
    for value in (0, 1):
        idx = [i for i, y in enumerate(labels) if y == value]
        rng.shuffle(idx)
        for n, i in enumerate(idx):
            out[i] = n % k
    return out


def counts(pred: list[bool], labels: list[int]) -> tuple[int, int, int]:
    tp = sum(1 for p, y in zip(pred, labels, strict=True) if p and y)
    fp = sum(1 for p, y in zip(pred, labels, strict=True) if p and not y)
    fn = sum(1 for p, y in zip(pred, labels, strict=True) if not p and y)
    return tp, fp, fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="write the chosen weights")
    ap.add_argument("--set", default=None, help="feature set to write (default: best by CV)")
    ap.add_argument("--penalty", type=float, default=None)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--table", default=None, help="save every CV result as JSON here")
    args = ap.parse_args()

    items = dev_items()
    labels = [int(i["not_held"]) for i in items]
    narrow = [features(i["text"], i["question"]) for i in items]
    wide = [features(i["text"], i["question"], wide=True) for i in items]
    full = narrow
    rules = [bool(f and f[FEATURES.index("rules")]) for f in full]
    tp, fp, fn = counts(rules, labels)
    print(
        f"dev answers {len(items)}, not held {sum(labels)}, with a signal "
        f"{sum(f is not None for f in full)}"
    )
    print(
        f"rule set on dev (tuned on it, in-sample): precision {tp / (tp + fp):.3f} "
        f"({tp}/{tp + fp}), recall {tp / (tp + fn):.3f} ({tp}/{tp + fn})"
    )

    results = []
    for name, (chosen, is_wide) in FEATURE_SETS.items():
        cols = [FEATURES.index(f) for f in chosen]
        full = wide if is_wide else narrow
        rows = [None if f is None else [f[c] for c in cols] for f in full]
        for penalty in PENALTIES:
            probs: list[list[float]] = []  # per repeat, held-out probability per item
            for seed in range(5):
                fold_of = folds(labels, 10, seed)
                p = [0.0] * len(items)
                for k in range(10):
                    train = [
                        i for i in range(len(items)) if fold_of[i] != k and rows[i] is not None
                    ]
                    w = fit([rows[i] for i in train], [labels[i] for i in train], penalty)
                    for i in range(len(items)):
                        if fold_of[i] == k and rows[i] is not None:
                            p[i] = prob(w, rows[i])
                probs.append(p)
            for threshold in THRESHOLDS:
                tp = fp = fn = 0
                for p in probs:
                    a, b, c = counts([q >= threshold for q in p], labels)
                    tp, fp, fn = tp + a, fp + b, fn + c
                precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
                f1 = 2 * precision * recall / max(precision + recall, 1e-9)
                results.append((f1, precision, recall, name, penalty, threshold))
    results.sort(reverse=True)
    Path(args.table).write_text(json.dumps(results)) if args.table else None
    print("\ncross-validated on dev (10 folds x 5 repeats, pooled), best 15 by F1:")
    print("  F1     precision recall  features        penalty threshold")
    for f1, precision, recall, name, penalty, threshold in results[:15]:
        print(f"  {f1:.3f}  {precision:.3f}     {recall:.3f}   {name:15} {penalty:<7} {threshold}")
    for want in FEATURE_SETS:
        best = next(r for r in results if r[3] == want)
        print(
            f"  best of {want!r}: F1 {best[0]:.3f} precision {best[1]:.3f} recall {best[2]:.3f} "
            f"(penalty {best[4]}, threshold {best[5]})"
        )

    _, _, _, name, penalty, threshold = results[0]
    name = args.set or name
    penalty = args.penalty if args.penalty is not None else penalty
    threshold = args.threshold if args.threshold is not None else threshold
    chosen, is_wide = FEATURE_SETS[name]
    full = wide if is_wide else narrow
    cols = [FEATURES.index(f) for f in chosen]
    train = [i for i in range(len(items)) if full[i] is not None]
    w = fit([[full[i][c] for c in cols] for i in train], [labels[i] for i in train], penalty)
    print(f"\nchosen: {name}, penalty {penalty}, threshold {threshold}")
    print(f"  intercept {w[0]:+.3f}")
    for f, v in sorted(zip(chosen, w[1:], strict=True), key=lambda t: -abs(t[1])):
        print(f"  {f:15} {v:+.3f}")
    if args.write:
        record = {
            "about": "Logistic regression fitted on the 396 dev answers by fit_not_held.py, "
            "chosen by cross-validation on dev (10 folds x 5 repeats); not adopted (README).",
            "features": name,
            "penalty": penalty,
            "threshold": threshold,
            "wide": is_wide,
            "intercept": round(w[0], 6),
            "weights": {f: round(v, 6) for f, v in zip(chosen, w[1:], strict=True)},
        }
        WEIGHTS_PATH.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {WEIGHTS_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
