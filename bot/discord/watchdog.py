"""A loop-lag watchdog: says when something held the event loop too long, and what.

A ticker sleeps ``TICK`` seconds at a time and measures how late it wakes; a thread beside the
loop notices when the ticker has not run for ``BLOCKED_AFTER`` seconds and logs the stack the
loop is stuck in, so the warning names the slow step while it is still slow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)

TICK = 0.05
BLOCKED_AFTER = 0.25  # seconds: a click waiting this long behind other work is noticed


# Where the loop's thread is while the loop waits for I/O: asyncio's loop in ``select``; uvloop
# (C code, no frame of its own) in the frame that started it, ``asyncio.Runner.run``.
WAITING_IN = (os.path.join("", "selectors.py"), os.path.join("asyncio", "runners.py"))


def is_waiting(frame: FrameType) -> bool:
    """Whether the loop's innermost frame is the loop waiting for I/O, not a step of ours."""
    return frame.f_code.co_filename.endswith(WAITING_IN)


class LoopWatchdog:
    """Measures the event loop's lag; warns, naming the step, when it passes the limit."""

    def __init__(self, limit: float = BLOCKED_AFTER) -> None:
        self.limit = limit
        self.max_lag = 0.0
        self.warnings = 0
        self._beat = time.monotonic()
        self._loop_thread: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.lag_observers: list[Callable[[float], None]] = []  # metrics, say

    def start(self) -> None:
        """Start watching the running loop."""
        self._loop_thread = threading.get_ident()
        self._beat = time.monotonic()
        self._stop.clear()
        self._task = asyncio.get_running_loop().create_task(self._tick(), name="loop-watchdog")
        self._thread = threading.Thread(target=self._watch, name="loop-watchdog", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Stop watching."""
        self._stop.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._thread is not None:
            self._thread.join(timeout=1)

    async def _tick(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(TICK)
            now = time.monotonic()
            lag = max(0.0, now - before - TICK)
            self.max_lag = max(self.max_lag, lag)
            self._beat = now
            for observe in self.lag_observers:
                observe(lag)

    def _watch(self) -> None:
        """On a thread: when the ticker is overdue, log where the loop's thread is."""
        warned_for = 0.0
        while not self._stop.wait(TICK):
            stalled = time.monotonic() - self._beat - TICK
            if stalled < self.limit:
                warned_for = 0.0
                continue
            if warned_for:
                continue  # once per stall
            frame = sys._current_frames().get(self._loop_thread or 0)
            if frame is not None and is_waiting(frame):
                # Waiting for I/O: no step holds the loop; the process is short of CPU.
                continue
            warned_for = stalled
            self.warnings += 1
            step = "".join(traceback.format_stack(frame, limit=4)) if frame else "(unknown)"
            log.warning(
                "event loop blocked for over %.0f ms; it is in:\n%s", stalled * 1000, step
            )
