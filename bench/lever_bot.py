"""``python -m bot run`` with some of its speed levers switched off, for `bench/responsiveness.py`
to compare them side by side; optionally profiling the bot's loop between two signals.

    python -m bench.lever_bot [--off orjson,uvloop,priority,memo,lengths] [--profile PATH] run

The bot itself has no such switches: each lever is on wherever it can be (see bench/README.md,
"Bursts"). Off means: ``orjson`` cannot be imported (discord.py falls back to the standard
``json``); ``uvloop`` cannot be imported (the standard event loop); ``priority`` dispatches every
interaction in its arrival order, as discord.py does; ``memo`` ranks the names for each
autocomplete afresh; ``lengths`` compares a typed word with every word of the vocabulary for
near spellings. With ``--profile``, SIGUSR1 starts
``cProfile`` on the loop's thread and SIGUSR2 stops it and writes its stats to PATH.
"""

from __future__ import annotations

import argparse
import cProfile
import signal
import sys

LEVERS = ("orjson", "uvloop", "priority", "memo", "lengths")


def switch_off(levers: set[str]) -> None:
    """Before anything imports discord: make the switched-off levers unavailable."""
    for module in ("orjson", "uvloop"):
        if module in levers:
            sys.modules[module] = None  # type: ignore[assignment]  # import raises ImportError
    if "priority" in levers:
        from bot.discord import interactions

        interactions.PRIORITY = False
    if "memo" in levers:
        from bot.discord import options

        options.MEMO = False
    if "lengths" in levers:
        from bot.core.names.candidates import WordIndex

        def every_word(self: WordIndex, length: int, cutoff: float) -> list[str]:
            return self._vocabulary

        WordIndex._near_in_length = every_word  # type: ignore[method-assign]


def profile_on_signals(path: str) -> None:
    profiler = cProfile.Profile()

    def start(*_: object) -> None:
        profiler.enable()

    def stop(*_: object) -> None:
        profiler.disable()
        profiler.dump_stats(path)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--off", default="", help=f"levers to switch off, of {LEVERS}")
    parser.add_argument("--profile", help="cProfile stats file (SIGUSR1 starts, SIGUSR2 writes)")
    args, rest = parser.parse_known_args()
    off = {lever for lever in args.off.split(",") if lever}
    unknown = off - set(LEVERS)
    if unknown:
        parser.error(f"unknown levers {sorted(unknown)}")
    switch_off(off)
    if args.profile:
        profile_on_signals(args.profile)
    from bot.cli import main as cli_main
    from bot.discord.frontend import DiscordFrontend

    sys.exit(cli_main(rest, frontend=DiscordFrontend))


if __name__ == "__main__":
    main()
