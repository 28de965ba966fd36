"""No import cycles among the project's modules, counting imports made only for type checking:
a cycle closed through ``TYPE_CHECKING`` still ties two modules into one idea."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest


def cycles(package: str, roots: tuple[str, ...] = ("bot", "cogs")) -> list[list[str]]:
    """Every strongly connected group of more than one module inside ``package`` (Tarjan)."""
    graph = grimp.build_graph(*roots, exclude_type_checking_imports=False, cache_dir=None)
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return found


@pytest.mark.parametrize("package", ["bot.core", "bot.discord", "bot.cli", "bot.mcp", "cogs"])
def test_no_import_cycles(package: str) -> None:
    assert cycles(package) == []


def test_a_cycle_would_be_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check itself: two modules importing each other (one only for type checking) are
    reported as a cycle."""
    pkg = tmp_path / "cyclepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyclepkg import b\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from cyclepkg import a\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cycles("cyclepkg", roots=("cyclepkg",)) == [["cyclepkg.a", "cyclepkg.b"]]
