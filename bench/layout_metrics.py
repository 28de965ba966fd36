"""Figures of the code's layout, for comparing two checkouts (issue: a house a newcomer can find
their way in). Read-only; prints a table.

    python -m bench.layout_metrics [CHECKOUT ...]   (default: this one)

Per checkout: Python files under bot/ and cogs/, files per feature (a file belongs to every
feature whose name its path holds), names in the import contracts (pyproject.toml), import cycles
among the core's modules counting imports made for type checking (grimp), ``Any`` and
``dict[str, Any]`` in bot/ and cogs/, files over 500 lines, functions over 60 lines, and
``# type: ignore`` without a reason.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

FEATURES = ("subscri", "overdue", "alert", "timeliness", "accountab", "search", "answer")


def product_files(root: Path) -> list[Path]:
    return sorted(p for d in ("bot", "cogs") for p in (root / d).rglob("*.py"))


def contract_names(root: Path) -> int:
    config = tomllib.loads((root / "pyproject.toml").read_text())
    names: set[str] = set()
    for contract in config["tool"]["importlinter"]["contracts"]:
        for key in ("layers", "source_modules", "forbidden_modules", "modules", "containers"):
            names.update(contract.get(key, []))
    return len(names)


def core_cycles(root: Path) -> int:
    """Strongly connected groups (of two or more) among the core's modules, in a subprocess
    with ``root`` first on the path."""
    code = (
        "import sys, grimp\n"
        "g = grimp.build_graph('bot', exclude_type_checking_imports=False, cache_dir=None)\n"
        "core = [m for m in g.modules if not m.startswith('bot.discord') and m != 'bot.__main__']\n"
        "inside = set(core)\n"
        "edges = {m: g.find_modules_directly_imported_by(m) & inside for m in core}\n"
        "index, low, stack, on, groups = {}, {}, [], set(), 0\n"
        "sys.setrecursionlimit(10000)\n"
        "def visit(n):\n"
        "    global groups\n"
        "    index[n] = low[n] = len(index); stack.append(n); on.add(n)\n"
        "    for x in edges[n]:\n"
        "        if x not in index: visit(x); low[n] = min(low[n], low[x])\n"
        "        elif x in on: low[n] = min(low[n], index[x])\n"
        "    if low[n] == index[n]:\n"
        "        size = 0\n"
        "        while True:\n"
        "            m = stack.pop(); on.discard(m); size += 1\n"
        "            if m == n: break\n"
        "        groups += size > 1\n"
        "for m in core:\n"
        "    if m not in index: visit(m)\n"
        "print(groups)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          check=True)
    return int(done.stdout.strip())


def long_functions(path: Path, limit: int = 60) -> int:
    tree = ast.parse(path.read_text())
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > limit
    )


def measure(root: Path) -> dict[str, object]:
    files = product_files(root)
    texts = {p: p.read_text() for p in files}
    per_feature = {
        f: sum(1 for p in files if f in str(p.relative_to(root)).lower()) for f in FEATURES
    }
    return {
        "product files": len(files),
        "files per feature": ", ".join(f"{f}* {n}" for f, n in per_feature.items()),
        "names in the import contract": contract_names(root),
        "import cycles in the core": core_cycles(root),
        "Any": sum(len(re.findall(r"\bAny\b", t)) for t in texts.values()),
        "dict[str, Any]": sum(t.count("dict[str, Any]") for t in texts.values()),
        "files over 500 lines": sum(1 for t in texts.values() if t.count("\n") > 500),
        "files over 600 lines": sum(1 for t in texts.values() if t.count("\n") > 600),
        "functions over 60 lines": sum(long_functions(p) for p in files),
        "type: ignore without a reason": sum(
            len(re.findall(r"# type: ignore\[[^\]]*\]\s*$", t, re.M)) for t in texts.values()
        ),
    }


def main(argv: list[str]) -> int:
    roots = [Path(a).resolve() for a in argv] or [Path(__file__).resolve().parents[1]]
    results = [measure(root) for root in roots]
    print("| figure | " + " | ".join(r.name for r in roots) + " |")
    print("|---|" + "---|" * len(roots))
    for key in results[0]:
        print(f"| {key} | " + " | ".join(str(r[key]) for r in results) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
