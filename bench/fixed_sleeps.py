"""How long the test suite spends in fixed sleeps written in its own code.

A pytest plugin: ``python -m pytest -p bench.fixed_sleeps [tests ...]`` wraps ``asyncio.sleep``
and ``time.sleep`` for the run and adds up every call made directly from a file under
``tests/`` (a test, a fixture, a local server), then prints the total, by file and by line.
Sleeps made by the bot or by libraries are not counted: they are not the suite's choice.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1] / "tests"

_by_line: Counter[str] = Counter()
_calls: Counter[str] = Counter()
_real_async_sleep = asyncio.sleep
_real_time_sleep = time.sleep


def _caller() -> str | None:
    frame = sys._getframe(2)
    path = Path(frame.f_code.co_filename)
    try:
        relative = path.resolve().relative_to(TESTS.parent)
    except ValueError:
        return None
    if not str(relative).startswith("tests"):
        return None
    return f"{relative}:{frame.f_lineno}"


def _record(where: str | None, delay: Any) -> None:
    if where is not None and isinstance(delay, int | float) and delay > 0:
        _by_line[where] += float(delay)
        _calls[where] += 1


async def _async_sleep(delay: float, result: Any = None) -> Any:
    _record(_caller(), delay)
    return await _real_async_sleep(delay, result)


def _time_sleep(delay: float) -> None:
    _record(_caller(), delay)
    _real_time_sleep(delay)


def pytest_configure(config: pytest.Config) -> None:
    asyncio.sleep = _async_sleep  # type: ignore[assignment]
    time.sleep = _time_sleep


def pytest_unconfigure(config: pytest.Config) -> None:
    asyncio.sleep = _real_async_sleep
    time.sleep = _real_time_sleep


def pytest_terminal_summary(terminalreporter: Any) -> None:
    write = terminalreporter.write_line
    total = sum(_by_line.values())
    write(f"fixed sleeps in tests/: {total:.2f} s in {sum(_calls.values())} calls")
    by_file: Counter[str] = Counter()
    for where, seconds in _by_line.items():
        by_file[where.rsplit(":", 1)[0]] += seconds
    for name, seconds in by_file.most_common():
        write(f"  {seconds:7.2f} s  {name}")
    for where, seconds in _by_line.most_common():
        write(f"    {seconds:7.2f} s  {_calls[where]:4d} calls  {where}")
