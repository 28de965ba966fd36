"""``/help``: one screen of how to use the bot."""

from __future__ import annotations

import discord

from bot.discord.embeds import (
    LICENCE_FOOTER,
)

# /help, a section each: (title, text).
HELP_SECTIONS: tuple[tuple[str, str], ...] = (
    (
        "Find answers",
        "`/answers` — by words, who asked, who answered, department, House, dates, status\n"
        "`/answer id:` — one question and its full answer (API id or UIN, e.g. HL12274)\n"
        "`/similar question:` — has this been asked before? questions like one or a draft\n"
        "`/member name:` — who they are, what they asked and answered\n"
        "`/department name:` — recent answers and who answers for it\n"
        "`/export` — a search, the overdue list or a table as a CSV or JSON file (only you)",
    ),
    (
        "Follow the news (needs Manage Channels)",
        "`/subscribe` — post each new answer from a member, department or topic here, once, "
        "after a preview of the last 30 days (`events: answers and new questions` posts each "
        "new question when tabled too); to a channel, a thread or a forum (a post per answer), "
        "as it comes or as a `schedule: daily` / `weekly` digest at a UK time\n"
        "`/subscriptions` — what this server follows · `/unsubscribe` — stop one\n"
        "`/subscription edit` — change one in place · `/subscription pause` — stop posting for "
        "one, keeping it · `/subscription resume` — start again, skipping what was missed or "
        "sending it as one digest",
    ),
    (
        "Your own alerts (no permission needed)",
        "🔔 **Alert me** on any question or post: a direct message when it is answered "
        "(holding answer, answer, any correction, each once); on an answered one, pick new "
        "answers like it (same heading, or same department)\n"
        "`/alerts` — list your alerts, or remove one (up to 25; only you see them). If "
        "your DMs are closed the alert pauses and you are told next time.\n"
        "`/privacy` — what the bot keeps about you, privately: export it as a file, or delete it",
    ),
    (
        "Hold departments to account",
        "`/timeliness` — which departments answer on time (all, or one by month), as a chart\n"
        "`/helpfulness` — departments by readers' votes, and the most disputed answers\n"
        "`/overdue` — questions past their due day, most overdue first, by department, "
        "member, asker or House\n"
        "On time: a Commons ordinary question is due the 5th working day after it was "
        "tabled, a named-day question on the day named, a Lords question on its date for "
        "answer (else the 10th working day); working days skip weekends and England and "
        "Wales bank holidays. A holding answer is not an answer on time, and does not stop "
        "the clock: a question is overdue from the first working day after its due day "
        "until its substantive answer. The Procedure Committee's standard is 85%; our "
        "figures approximate, and do not reproduce, its own.",
    ),
    (
        "Tips",
        "Names forgive typos and short forms: `agnew`, `Lord Agnew`, `DfE`, `health`, "
        '`Department for Educaton`. Put a phrase in "quotes"; `-word` leaves a word out. '
        "Dates: 2024-01-31, 31/01/2024 or 31 Jan 2024.\n"
        "Vote with the Yes / No buttons, or 👍 / 👎 on the bot's posts.",
    ),
    (
        "More history",
        "On its first start the bot loads the last few weeks by itself. Whoever runs it "
        "can load more from a terminal: `python -m bot backfill --since 2024-01-01` "
        "(Parliament's API, every question, answered or not) or `python -m bot archive` "
        "(TheyWorkForYou's archive of answers, 1997 on). History is never posted to "
        "channels as news.",
    ),
)



def help_embed(question_count: int) -> discord.Embed:
    """What the bot does and how to use it, on one screen."""
    embed = discord.Embed(
        title="Written answers from the UK Parliament",
        description=(
            "Ministers' answers to MPs' and peers' written questions, "
            f"{question_count:,} of them in my store, and the question people ask about each: "
            "**does this answer the above question?**"
        ),
    )
    for name, value in HELP_SECTIONS:
        embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=LICENCE_FOOTER)
    return embed
