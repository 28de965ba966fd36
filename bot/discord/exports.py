"""/export in Discord: a CSV or JSON file of a search, the overdue list or a table, made on a
reader thread (``bot.core.exports``), capped at ``ROW_LIMIT`` rows and the upload limit of the
interaction, and sent privately unless asked otherwise, saying when it was cut."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import discord

from bot.core.clock import utc_now_text
from bot.core.exports import Export, ExportError, Written, filename, write_export
from bot.core.names.matching import Resolution
from bot.core.reports.accountability import AccountabilityError
from bot.core.reports.overdue import OverdueError
from bot.core.search.fulltext import SearchError
from bot.core.store.database import Store
from bot.discord.overdue.views import unclear_name
from bot.discord.replies import in_time, reply_error, send, the_bot

ROW_LIMIT = 10_000
# Discord's upload limit without boosts; an interaction says its own (``filesize_limit``).
UPLOAD_LIMIT = 10 * 1024 * 1024
FORMAT_CHOICES = ("csv", "json")
WHAT = {"search": "answers", "overdue": "overdue questions", "timeliness": "rows",
        "helpfulness": "rows"}

# Makes what is exported from a reader's store (runs on that reader's thread).
Maker = Callable[[Store], Export]


@dataclass(frozen=True)
class ExportFile:
    """A finished export: the file's bytes and name, and what was written."""

    data: bytes
    name: str
    written: Written


def build_file(store: Store, make: Maker, kind: str, fmt: str, max_bytes: int) -> ExportFile:
    """Make and write an export in memory, within ``ROW_LIMIT`` rows and ``max_bytes``."""
    out = io.BytesIO()
    written = write_export(make(store), fmt, out, max_rows=ROW_LIMIT, max_bytes=max_bytes)
    day = date.fromisoformat(utc_now_text()[:10])
    return ExportFile(out.getvalue(), filename(kind, fmt, day), written)


def upload_limit(interaction: discord.Interaction) -> int:
    """The bytes one file may have here: the interaction's limit (boosts raise it)."""
    limit = getattr(interaction, "filesize_limit", None)
    return limit if isinstance(limit, int) and limit > 0 else UPLOAD_LIMIT


def describe(kind: str, made: ExportFile, what: str) -> str:
    """The message that comes with the file."""
    rows = made.written.rows
    noun = WHAT[kind] if rows != 1 else WHAT[kind].rstrip("s")
    text = f"📄 {rows:,} {noun}{' — ' + what if what else ''}, as {made.written.format.upper()}."
    if made.written.cut == "rows":
        text += (f"\n✂️ Cut at {ROW_LIMIT:,} rows: there are more. Narrow it down (dates, a "
                 "department, a member), or ask whoever runs the bot for "
                 "`python -m bot export`, which has no cap.")
    elif made.written.cut == "bytes":
        text += (f"\n✂️ Cut at {made.written.bytes / 1024 / 1024:.1f} MB, Discord's upload "
                 "limit here: there are more. Narrow it down, or try CSV, which is smaller.")
    if rows == 0:
        text = f"Nothing to export{' — ' + what if what else ''}: no {WHAT[kind]} match."
    return text


def first_unclear(names: dict[str, Resolution | None]) -> str | None:
    """The message for the first name option that did not resolve surely, else None."""
    for option, resolution in names.items():
        if resolution is not None and resolution.text and resolution.best is None:
            return unclear_name(option, resolution)
    return None


async def send_export(
    interaction: discord.Interaction, kind: str, make: Maker, fmt: str, public: bool,
    what: str = "",
) -> None:
    """Make the export off the event loop (acknowledging the interaction in time) and send it
    as a file; a short private message for a bad option."""
    services = the_bot(interaction).services
    private = not public
    try:
        made = await in_time(
            interaction,
            services.db.read(build_file, make, kind, fmt, upload_limit(interaction)),
            thinking=True, ephemeral=private,
        )
    except (AccountabilityError, ExportError, OverdueError, SearchError) as error:
        await reply_error(interaction, str(error))
        return
    message = describe(kind, made, discord.utils.escape_markdown(what))
    if made.written.rows == 0:
        await send(interaction, content=message, ephemeral=private,
                   allowed_mentions=discord.AllowedMentions.none())
        return
    await send(interaction, content=message, ephemeral=private,
               file=discord.File(io.BytesIO(made.data), filename=made.name),
               allowed_mentions=discord.AllowedMentions.none())
