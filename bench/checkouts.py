"""One checkout's figures, measured in a fresh Python process: what the benches that compare
this code with another checkout (an older commit) share.

The script is run with ``python -c``; its ``sys.argv[2]`` must be the checkout, which it puts
first on ``sys.path`` (``PYTHONPATH`` is the checkout too), and it prints its figures as JSON on
its last line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_in(tree: Path, script: str, *args: object) -> dict[str, Any]:
    """Run ``script`` (``python -c``) with ``args`` in checkout ``tree``; its last line's JSON."""
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(tree)},
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def alternate(
    rounds: int, trees: Mapping[str, Path], measure: Callable[[str, Path], dict[str, Any]]
) -> tuple[dict[str, list[dict[str, Any]]], list[float]]:
    """``measure(name, tree)`` for each checkout in turn, ``rounds`` times, so that a change in
    the machine's load falls on every checkout alike; each one's results, and the load average
    before each measurement."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in trees}
    loads = []
    for _ in range(rounds):
        for name, tree in trees.items():
            loads.append(os.getloadavg()[0])
            runs[name].append(measure(name, tree))
    return runs, loads
