"""``python -m bot``: the command line, with the Discord adapter as its frontend."""

import sys

from bot.cli import main
from bot.cli.common import Frontend


def discord_frontend() -> Frontend:
    """The Discord adapter, imported only for the commands that talk to Discord."""
    from bot.discord.frontend import DiscordFrontend

    return DiscordFrontend()


sys.exit(main(frontend=discord_frontend))
