""""Alert me" on every question: a direct message when it is answered, or a menu to follow new
answers like an answered one."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord
from discord.ui.view import BaseView

from bot.discord.replies import in_time, reply_error, send, the_bot

if TYPE_CHECKING:
    from bot.core.news.alerts import AlertBook
    from bot.core.news.rows import AlertRow
    from bot.core.store.database import Store

log = logging.getLogger(__name__)



ALERT_LABEL = "🔔 Alert me"
FOLLOW_CHOICES = {"heading": "New answers with the same heading",
                  "department": "New answers from the same department"}



def _alert_book(store: Store) -> AlertBook:
    from bot.core.news.alerts import AlertBook

    return AlertBook(store)


def _chosen(interaction: discord.Interaction) -> list[str]:
    """A menu's chosen values as the interaction's data carries them."""
    data: Mapping[str, object] = interaction.data or {}
    values = data.get("values")
    return [str(value) for value in values] if isinstance(values, list) else []



class AlertButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"alert:(?P<qid>-?\d+)",
):
    """ "🔔 Alert me": a direct message when this question is answered, or (when it is) a
    private choice of new answers like it to be told about."""

    def __init__(self, question_id: int) -> None:
        self.question_id = question_id
        super().__init__(
            discord.ui.Button(
                label=ALERT_LABEL,
                style=discord.ButtonStyle.secondary,
                custom_id=f"alert:{question_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> AlertButton:
        return cls(int(match["qid"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await alert_me(interaction, self.question_id)



async def alert_me(interaction: discord.Interaction, question_id: int) -> None:
    """ "🔔 Alert me" on one question, from its button or from a list's menu."""
    from bot.core.news.alerts import ANSWERED_STATUSES, AlertError

    try:
        bot = the_bot(interaction)
        row = await in_time(
            interaction, bot.services.db.read(lambda store: store.question(question_id)),
            ephemeral=True,
        )
        if row is None:
            await reply_error(interaction, "I no longer have this question.")
            return
        if row["status"] in ANSWERED_STATUSES:
            view = discord.ui.View(timeout=None)
            view.add_item(FollowSelect(question_id))
            await send(
                interaction,
                content="This question is answered. Shall I send you a direct message "
                "about new answers like it? Pick one:",
                view=view,
                ephemeral=True,
            )
            return
        book = _alert_book(bot.store)
        try:
            _, what = await in_time(
                interaction,
                bot.services.db.write(book.alert_on_question, interaction.user.id, row),
                ephemeral=True,
            )
        except AlertError as error:
            await reply_error(interaction, str(error))
            return
        where = f"{row['house']} {row['uin']}"
        text = {
            "created": f"🔔 I will send you a direct message when {where} is answered: the "
            "holding answer, the answer and any correction, each once.",
            "resumed": f"🔔 Resumed: I will send you a direct message when {where} is "
            "answered.",
            "exists": f"🔔 You already have an alert on {where}.",
        }[what]
        await send(interaction, content=text + " `/alerts` lists and removes your alerts.",
                   ephemeral=True)
    except Exception:
        log.exception("alert button failed")
        await reply_error(interaction)



class FollowSelect(
    discord.ui.DynamicItem[discord.ui.Select],
    template=r"alertf:(?P<qid>-?\d+)",
):
    """On an answered question: alert me about new answers like it (heading or department)."""

    def __init__(self, question_id: int) -> None:
        self.question_id = question_id
        super().__init__(
            discord.ui.Select(
                custom_id=f"alertf:{question_id}",
                placeholder="Alert me about new answers like this",
                options=[discord.SelectOption(label=label, value=value)
                         for value, label in FOLLOW_CHOICES.items()],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[BaseView], match: re.Match[str]
    ) -> FollowSelect:
        return cls(int(match["qid"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        from bot.core.news.alerts import AlertError
        from bot.core.search.render import body_named

        try:
            bot = the_bot(interaction)
            values = self.item.values or _chosen(interaction) or [""]
            kind = str(values[0])[:40]
            row = await in_time(
                interaction, bot.services.db.read(lambda store: store.question(self.question_id)),
                ephemeral=True,
            )
            if row is None:
                await reply_error(interaction, "I no longer have this question.")
                return

            def follow() -> tuple[AlertRow, str]:
                ref = body_named(bot.store, row["answering_body_id"])
                name = ref["name"] if ref else None
                return _alert_book(bot.store).follow_like(interaction.user.id, row, kind, name)

            try:
                alert, what = await in_time(interaction, bot.services.db.write(follow),
                                            ephemeral=True)
            except AlertError as error:
                await reply_error(interaction, str(error))
                return
            text = {
                "created": f"🔔 Done: {alert['description']}. I will send you each by direct "
                "message, once.",
                "resumed": f"🔔 Resumed: {alert['description']}.",
                "exists": f"🔔 You already follow this: {alert['description']}.",
            }[what]
            await send(interaction, content=text + " `/alerts` lists and removes your alerts.",
                       ephemeral=True)
        except Exception:
            log.exception("follow select failed")
            await reply_error(interaction)
