"""Records as Discord embeds. Pure functions: no I/O, so they are tested without a gateway."""

from __future__ import annotations

import discord

LICENCE_FOOTER = "Parliamentary information licensed under the Open Parliament Licence v3.0"


def help_embed(question_count: int) -> discord.Embed:
    embed = discord.Embed(
        title="Written answers from the UK Parliament",
        description=(
            "I keep ministers' answers to MPs' and peers' written questions, "
            f"{question_count:,} of them so far, and help you find and follow them."
        ),
    )
    embed.add_field(
        name="Commands",
        value=(
            "`/help` — this screen\n"
            "More commands (finding answers, following a member, department or topic) "
            "arrive as they are built."
        ),
        inline=False,
    )
    embed.set_footer(text=LICENCE_FOOTER)
    return embed
