"""``python -m bot run`` with some speed levers on and the others off, for
`bench/responsiveness.py` to compare them side by side; optionally profiling the bot's loop
between two signals.

    python -m bench.lever_bot [--on priority,memo,...] [--profile PATH] run

The bot itself has no such switches: ``priority``, ``memo`` and ``lengths`` are always on,
``orjson`` and ``uvloop`` never (they measured no gain: bench/README.md, "Bursts"; install them
with ``pip install -e '.[bench]'`` to measure them). Off means: ``orjson`` cannot be imported
(discord.py falls back to the standard ``json``); ``priority`` dispatches every interaction in
its arrival order, as discord.py does; ``memo`` ranks the names for each autocomplete afresh;
``lengths`` compares a typed word with every word of the vocabulary for near spellings. On,
``uvloop`` is the event loop. With ``--profile``, SIGUSR1 starts ``cProfile`` on the loop's
thread and SIGUSR2 stops it and writes its stats to PATH.

``echo`` is not a lever but a floor: every autocomplete and every ``/answers`` (the burst's
commands) is answered at the command tree with a constant reply (one choice; a one-line message),
before any of the bot's own code runs; other commands (the ``/answer`` whose vote buttons the
burst presses) run as usual. What is left is discord.py's parsing and HTTP callbacks, the
machine and the harness: the least any discord.py bot could take in the same burst.
``echofirst`` is the same floor with autocompletes answered first: each ``/answers`` waits while
autocompletes are being answered (at most ``interactions.MAX_WAIT``), as the bot's do.
``echosearch`` echoes only ``/answers`` (autocompletes first) and leaves the autocompletes to
the bot: what the bot's autocomplete costs without its searches.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import signal
import sys

LEVERS = ("orjson", "uvloop", "priority", "memo", "lengths", "echo", "echofirst", "echosearch",
          "echo25")
DEFAULTS = ("priority", "memo", "lengths")  # what `python -m bot run` has


def switch(on: set[str]) -> None:
    """Before anything imports discord: the levers in ``on`` on, the others off."""
    if "orjson" not in on:
        sys.modules["orjson"] = None  # type: ignore[assignment]  # import raises ImportError
    if "uvloop" in on:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())  # discord.py's asyncio.run
    if "priority" not in on:
        from bot.discord import interactions

        interactions.PRIORITY = False
    if "memo" not in on:
        from bot.discord import options

        options.MEMO = False
    if "lengths" not in on:
        from bot.core.names.candidates import WordIndex

        def every_word(self: WordIndex, length: int, cutoff: float) -> list[str]:
            return self._vocabulary

        WordIndex._near_in_length = every_word  # type: ignore[method-assign]
    if on & {"echo", "echofirst", "echosearch"}:
        echo_at_the_tree(autocomplete_first=bool(on & {"echofirst", "echosearch"}),
                         autocompletes="echosearch" not in on, choices=25 if "echo25" in on else 1)


def echo_at_the_tree(autocomplete_first: bool = False, autocompletes: bool = True,
                     choices: int = 1) -> None:
    """Answer every command and autocomplete with a constant reply (see the module); with
    ``autocomplete_first``, each command waits while autocompletes are being answered, as the
    bot's own commands do (``interactions.Lanes``); without ``autocompletes``, the bot answers
    those itself and only ``/answers`` is echoed. ``choices``: how many (25, Discord's most, as
    the bot gives for a short prefix: ``echo25``)."""
    import discord
    from discord import app_commands

    from bot.discord.interactions import PriorityTree

    choice = [app_commands.Choice(name=f"Echo Member-Name {i} (Labour, Commons)", value=str(i))
              for i in range(choices)]

    async def answer(tree: PriorityTree, interaction: discord.Interaction,
                     arrived: float) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            try:
                await interaction.response.autocomplete(choice)
            finally:
                tree.lanes.finished(interaction.id)
        else:
            if autocomplete_first:
                await tree.lanes.turn(arrived)
            await interaction.response.send_message("echo")

    real = PriorityTree._from_interaction

    def from_interaction(self: PriorityTree, interaction: discord.Interaction) -> None:
        name = (interaction.data or {}).get("name")
        autocomplete = interaction.type is discord.InteractionType.autocomplete
        if (autocomplete and autocompletes) or (name == "answers" and not autocomplete):
            if autocomplete and autocomplete_first:
                self.lanes.started(interaction.id)
            arrived = self.client.loop.time()
            self.client.loop.create_task(answer(self, interaction, arrived), name="echo")
        else:
            real(self, interaction)

    PriorityTree._from_interaction = from_interaction  # type: ignore[method-assign]


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
    parser.add_argument("--on", default="", help=f"levers to switch on, of {LEVERS}")
    parser.add_argument("--profile", help="cProfile stats file (SIGUSR1 starts, SIGUSR2 writes)")
    args, rest = parser.parse_known_args()
    on = {lever for lever in args.on.split(",") if lever}
    unknown = on - set(LEVERS)
    if unknown:
        parser.error(f"unknown levers {sorted(unknown)}")
    switch(on)
    if args.profile:
        profile_on_signals(args.profile)
    from bot.cli import main as cli_main
    from bot.discord.frontend import DiscordFrontend

    sys.exit(cli_main(rest, frontend=DiscordFrontend))


if __name__ == "__main__":
    main()
