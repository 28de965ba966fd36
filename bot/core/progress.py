"""How a long run (``archive``, ``backfill``, ``fetch``) shows how far it is: a bar on a
terminal, a line a step in a pipe or a log file, a log line a step in the bot, or nothing.

A run says what it is doing in words (``start``'s headline, each ``step``'s line and its short
``postfix``); the display decides how to show it. One module, so every command's progress looks
and behaves alike (tqdm for the bars)."""

from __future__ import annotations

import logging
import sys
from typing import IO, Never

from tqdm import tqdm


class Progress:
    """Shows nothing: the base of every display, and the display of a run nobody watches."""

    def start(self, total: int, headline: str) -> None:
        """The run begins with ``total`` steps; ``headline`` says what it will do."""

    def step(self, line: str, postfix: str = "", *, notable: bool = False) -> None:
        """One step is done: ``line`` describes it in full, ``postfix`` in a few words for a
        bar; a ``notable`` step's line is shown even above a bar (a skipped file)."""

    def status(self, text: str) -> None:
        """A passing state within a step ("full texts: 40 of 120"), shown only on a terminal."""

    def close(self) -> None:
        """The run is over."""


class BarProgress(Progress):
    """A tqdm bar on a terminal: steps done, an ETA and the latest postfix; notable lines are
    written above it."""

    def __init__(self, stream: IO[str], unit: str, desc: str) -> None:
        self.stream = stream
        self.unit = unit
        self.desc = desc
        self._bar: tqdm[Never] | None = None  # a bar of counts, not over an iterable

    def start(self, total: int, headline: str) -> None:
        """Open the bar, the headline above it."""
        self._bar = tqdm(
            total=total,
            unit=self.unit,
            desc=self.desc,
            file=self.stream,
            dynamic_ncols=True,
            smoothing=0.05,
        )
        self._bar.write(headline, self.stream)

    def step(self, line: str, postfix: str = "", *, notable: bool = False) -> None:
        """Move the bar one step."""
        if self._bar is None:
            return
        if notable:
            self._bar.write(line, self.stream)
        self._bar.set_postfix_str(postfix, refresh=False)
        self._bar.update(1)

    def status(self, text: str) -> None:
        """Show ``text`` as the bar's description (a bar of its own if none is open)."""
        if self._bar is None:
            self._bar = tqdm(total=0, bar_format="{desc}", file=self.stream, leave=False)
        self._bar.set_description_str(text)

    def close(self) -> None:
        """Close the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class LineProgress(Progress):
    """The headline and a line a step, for a pipe or a log file."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def start(self, total: int, headline: str) -> None:
        """Write the headline."""
        self._write(headline)

    def step(self, line: str, postfix: str = "", *, notable: bool = False) -> None:
        """Write the step's line."""
        self._write(line)

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class LogProgress(Progress):
    """The headline and a log line a step (the bot's own background runs)."""

    def __init__(self, logger: logging.Logger, prefix: str) -> None:
        self.logger = logger
        self.prefix = prefix

    def start(self, total: int, headline: str) -> None:
        """Log the headline."""
        self.logger.info("%s", headline)

    def step(self, line: str, postfix: str = "", *, notable: bool = False) -> None:
        """Log the step."""
        self.logger.info("%s %s", self.prefix, line)


def progress_for(stream: IO[str] = sys.stderr, *, unit: str, desc: str) -> Progress:
    """A bar on a terminal, else a line a step."""
    isatty = getattr(stream, "isatty", None)
    return BarProgress(stream, unit, desc) if isatty and isatty() else LineProgress(stream)


def status_for(enabled: bool, stream: IO[str] = sys.stderr) -> Progress:
    """A one-line status on a terminal when ``enabled``, else nothing."""
    return BarProgress(stream, "", "") if enabled else Progress()
