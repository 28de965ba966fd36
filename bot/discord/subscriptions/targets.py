"""Where a subscription may post: text and announcement channels, threads and forums, and the
permissions the bot needs in each, named as Discord's settings name them."""

from __future__ import annotations

import discord

# A subscription's target, as the /subscribe and /subscription edit option accepts it.
Target = discord.TextChannel | discord.Thread | discord.ForumChannel
# What may be asked for as a target: the option's channel, else the channel the command was used
# in (or, for an edit, the subscription's channel as the server has it), whatever its type.
Place = (
    discord.abc.GuildChannel
    | discord.Thread
    | discord.DMChannel
    | discord.GroupChannel
    | discord.PartialMessageable
)

# (Permissions attribute, its name in Discord's settings)
_VIEW = ("view_channel", "View Channel")
_EMBED = ("embed_links", "Embed Links")
_HISTORY = ("read_message_history", "Read Message History")  # to mark an earlier post
_IN_THREADS = ("send_messages_in_threads", "Send Messages in Threads")


def needed_permissions(target: Place, thread_per_answer: bool) -> list[tuple[str, str]]:
    """What the bot needs to post to ``target``: a forum needs Send Messages (shown as Create
    Posts) and Send Messages in Threads for follow-ups; a thread needs Send Messages in
    Threads; a text channel needs Send Messages, and Create Public Threads too when each post
    opens a thread."""
    if isinstance(target, discord.ForumChannel):
        return [_VIEW, ("send_messages", "Create Posts"), _IN_THREADS, _EMBED, _HISTORY]
    if isinstance(target, discord.Thread):
        return [_VIEW, _IN_THREADS, _EMBED, _HISTORY]
    needs = [_VIEW, ("send_messages", "Send Messages"), _EMBED, _HISTORY]
    if thread_per_answer:
        needs += [("create_public_threads", "Create Public Threads"), _IN_THREADS]
    return needs


def target_problem(
    target: Place, me: discord.Member | None, thread_per_answer: bool
) -> str | None:
    """Why the bot cannot post to ``target`` as asked (each missing permission, by name), or
    None when it can."""
    where = target.mention if hasattr(target, "mention") else "that channel"
    if thread_per_answer and not isinstance(target, discord.TextChannel):
        return "thread_per_answer is for text and announcement channels: a thread or a forum " \
               "post is a discussion already."
    if isinstance(target, discord.Thread) and target.locked and target.archived:
        return f"{where} is locked, so the bot cannot post in it; pick another thread or channel."
    if me is None:
        return None  # not known yet (the bot is still starting): the first post will tell
    permissions = target.permissions_for(me)
    if permissions.administrator:
        return None
    missing = [name for attribute, name in needed_permissions(target, thread_per_answer)
               if not getattr(permissions, attribute)]
    if not missing:
        return None
    return f"The bot cannot post in {where}: it lacks {', '.join(missing)} there. " \
           "Give it those in the channel's permissions, then try again."
