"""``/privacy``'s reply and its buttons: Export (a JSON file, privately) and Delete (after a
confirmation).

The buttons are ``DynamicItem``s, so they keep working after a restart. Each acts only on the
person who presses it (``interaction.user.id``): the id in a custom_id only says whose reply
the button sits on, and a press by anyone else (a forged custom_id included) is refused before
anything is read.
"""

from __future__ import annotations

import io
import json
import logging
import re
from functools import partial

import discord
from discord.ui.view import BaseView

from bot.core.privacy.person import Deletion, PersonExport, Summary, delete, export, summary
from bot.core.privacy.retention import KEPT
from bot.core.privacy.servers import SweepReport, sweep
from bot.discord.base import AppBot
from bot.discord.replies import in_time, reply_error, send, the_bot, update

log = logging.getLogger(__name__)

EXPORT_FILENAME = "written-answers-bot-my-data.json"
NOT_YOURS = (
    "These buttons belong to the person who ran this /privacy: run /privacy to see your own."
)


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def privacy_embed(found: Summary, in_server: bool = True) -> discord.Embed:
    """What the bot keeps about the person asking, and how long each is kept."""
    embed = discord.Embed(
        title="What this bot keeps about you",
        description="Only you can see this. **Export** sends you all of it as a JSON file; "
        "**Delete** removes it, after asking.",
    )
    subscriptions = (
        f"{found.subscriptions_here} in this server ({found.subscriptions} in all)"
        if in_server else str(found.subscriptions)
    )
    rows = (
        (f"Votes: {found.votes}", "votes"),
        (f"Alerts: {found.alerts} (records of direct messages sent: {found.direct_messages})",
         "alerts"),
        (f"Saved searches: {found.saved_searches}", "saved_searches"),
        (f"Subscriptions you made: {subscriptions}", "subscriptions"),
    )
    for name, key in rows:
        embed.add_field(name=name, value=f"Kept {KEPT[key].how_long}.", inline=False)
    embed.add_field(
        name="Records of direct messages",
        value=f"Kept {KEPT['direct_messages'].how_long}.", inline=False,
    )
    embed.set_footer(text="Answers themselves are public records and are kept.")
    return embed


def privacy_view(user_id: int) -> discord.ui.View:
    """Export and Delete, for ``user_id`` only."""
    view = discord.ui.View(timeout=None)
    view.add_item(PrivacyButton(user_id, "export"))
    view.add_item(PrivacyButton(user_id, "delete"))
    return view


def confirm_view(user_id: int) -> discord.ui.View:
    """Delete for good, or keep."""
    view = discord.ui.View(timeout=None)
    view.add_item(PrivacyButton(user_id, "confirm"))
    view.add_item(PrivacyButton(user_id, "cancel"))
    return view


def confirm_text(found: Summary) -> str:
    """What Delete is about to remove, asked before it does."""
    if found.empty:
        return "The bot keeps nothing about you. Delete anyway (it will find nothing)?"
    one = found.subscriptions == 1
    kept = (
        f" The {_plural(found.subscriptions, 'subscription')} you made "
        f"{'stays' if one else 'stay'} ({'it belongs' if one else 'they belong'} to the server) "
        f"but no longer {'names' if one else 'name'} you."
        if found.subscriptions else ""
    )
    return (
        f"Delete everything this bot keeps about you? This removes "
        f"{_plural(found.votes, 'vote')} (the counts on those answers go down), "
        f"{_plural(found.alerts, 'alert')} and {_plural(found.direct_messages, 'record')} of "
        f"direct messages, and {_plural(found.saved_searches, 'saved search', 'saved searches')}."
        f"{kept} This cannot be undone."
    )


def deletion_text(done: Deletion) -> str:
    """What Delete removed."""
    if done.nothing:
        return "There was nothing to delete: the bot keeps nothing about you."
    return (
        f"Deleted: {_plural(done.votes, 'vote')}, {_plural(done.alerts, 'alert')}, "
        f"{_plural(done.direct_messages, 'record')} of direct messages, "
        f"{_plural(done.saved_searches, 'saved search', 'saved searches')}; "
        f"{_plural(done.subscriptions_unnamed, 'subscription')} no longer "
        f"{'names' if done.subscriptions_unnamed == 1 else 'name'} you."
    )


async def show_privacy(interaction: discord.Interaction) -> None:
    """``/privacy``: the person's own counts, privately, with Export and Delete."""
    bot = the_bot(interaction)
    user_id = interaction.user.id
    found = await in_time(
        interaction, bot.services.db.read(summary, user_id, interaction.guild_id),
        ephemeral=True,
    )
    await send(interaction, embed=privacy_embed(found, interaction.guild_id is not None),
               view=privacy_view(user_id), ephemeral=True)


def export_file(data: PersonExport) -> discord.File:
    """A person's export as a JSON file."""
    body = json.dumps(data, indent=2, ensure_ascii=False).encode()
    return discord.File(io.BytesIO(body), filename=EXPORT_FILENAME)


BUTTONS = {"export": ("Export my data", discord.ButtonStyle.primary),
           "delete": ("Delete my data", discord.ButtonStyle.danger),
           "confirm": ("Yes, delete it all", discord.ButtonStyle.danger),
           "cancel": ("Cancel", discord.ButtonStyle.secondary)}


class PrivacyButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"privacy:(?P<action>export|delete|confirm|cancel):(?P<uid>\d+)",
):
    """Export, Delete, and Delete's Confirm and Cancel, on one person's ``/privacy`` reply."""

    def __init__(self, owner_id: int, action: str) -> None:
        self.owner_id = owner_id
        self.action = action
        label, style = BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"privacy:{action}:{owner_id}")
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> PrivacyButton:
        return cls(int(match["uid"]), match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            # Only ever the presser's own data; a reply's buttons answer no one else.
            user_id = interaction.user.id
            if user_id != self.owner_id:
                await reply_error(interaction, NOT_YOURS)
                return
            bot = the_bot(interaction)
            db = bot.services.db
            in_server = interaction.guild_id is not None
            if self.action == "export":
                data = await in_time(interaction, db.read(export, user_id), ephemeral=True)
                await send(
                    interaction,
                    content="Everything this bot keeps about you, as JSON (Discord ids are "
                    "written as text).",
                    file=export_file(data),
                    ephemeral=True,
                )
            elif self.action == "delete":
                found = await in_time(interaction, db.read(summary, user_id, interaction.guild_id))
                await update(interaction, content=confirm_text(found), embed=None,
                             view=confirm_view(user_id))
            elif self.action == "confirm":
                done = await in_time(interaction, db.write(partial(delete, bot.store, user_id)))
                log.info("deleted a person's data at their request: %d votes, %d alerts, %d DM "
                         "records, %d saved searches, %d subscriptions unnamed", done.votes,
                         done.alerts, done.direct_messages, done.saved_searches,
                         done.subscriptions_unnamed)
                found = await db.read(summary, user_id, interaction.guild_id)
                await update(interaction, content=deletion_text(done),
                             embed=privacy_embed(found, in_server), view=privacy_view(user_id))
            else:
                found = await in_time(interaction, db.read(summary, user_id, interaction.guild_id))
                await update(interaction, content=None, embed=privacy_embed(found, in_server),
                             view=privacy_view(user_id))
        except Exception:
            log.exception("privacy button %s failed", self.action)
            await reply_error(interaction)


async def sweep_retention(bot: AppBot) -> SweepReport:
    """Apply the retention periods now (by the bot's clock): old DM records lose their ids,
    and servers gone longer than ``GUILD_DATA_DAYS`` lose their data."""
    services = bot.services
    report = await services.db.write(
        sweep, services.store, services.clock(), bot.settings.guild_data_days
    )
    for deleted in report.guilds:
        log.info("deleted the data of server %s, left %s: %s", deleted.guild_id,
                 deleted.left_at, deleted)
    return report
