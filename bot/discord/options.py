"""Slash-command options that name a member, a department or a topic.

``NameTransformer`` is the one place such an option is autocompleted and resolved: the command
receives a ``Resolution`` (the best candidate, and whether it is sure), and a name that is not
sure is offered as buttons to pick from instead of guessed. Autocomplete answers from the
in-memory indexes, never from the store.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

import discord
from discord import app_commands

from bot.core.names.candidates import AUTOCOMPLETE_LIMIT, Candidate, Resolution
from bot.core.names.matching import Resolver
from bot.core.names.options import NAME_OPTIONS
from bot.core.search.fulltext import SearchQuery
from bot.core.text import cut_at_word
from bot.discord.replies import the_bot

log = logging.getLogger(__name__)

NAME_LIMIT = 100  # characters a name option takes
CHOICE_LIMIT = 100  # characters of an autocomplete choice's name and value (Discord's limit)


def choices(candidates: list[Candidate]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: the names themselves, so what is picked resolves exactly."""
    seen: set[str] = set()
    out = []
    for candidate in candidates:
        name = cut_at_word(candidate.name, CHOICE_LIMIT)
        if name in seen:
            continue
        seen.add(name)
        label = cut_at_word(
            f"{candidate.name} ({candidate.note})" if candidate.note else candidate.name,
            CHOICE_LIMIT,
        )
        out.append(app_commands.Choice(name=label, value=name))
    return out[:AUTOCOMPLETE_LIMIT]


class ChoiceMemo:
    """The choices last answered for what was typed, while the indexes they came from stand.

    Everyone typing a name passes through its first letters, so in a burst the same few
    prefixes come again and again; ranking one costs about a millisecond of the loop
    (bench/README.md). The resolver is replaced whole when the indexes are rebuilt, and the memo
    is emptied then."""

    SIZE = 2048

    def __init__(self) -> None:
        self._resolver: Resolver | None = None
        self._choices: OrderedDict[tuple[str, str], list[app_commands.Choice[str]]] = (
            OrderedDict())

    def choices(self, resolver: Resolver, kind: str, current: str) -> list[
        app_commands.Choice[str]
    ]:
        """The choices for ``current`` as a ``kind``, ranked by ``resolver``."""
        if not MEMO:
            return choices(resolver.autocomplete(kind, current))
        if resolver is not self._resolver:
            self._resolver = resolver
            self._choices.clear()
        key = (kind, current)
        found = self._choices.get(key)
        if found is None:
            found = self._choices[key] = choices(resolver.autocomplete(kind, current))
            if len(self._choices) > self.SIZE:
                self._choices.popitem(last=False)
        else:
            self._choices.move_to_end(key)
        return list(found)


MEMO = True  # bench/lever_bot.py switches it off, to measure what it gives
_memo = ChoiceMemo()


def complete(interaction: discord.Interaction, kind: str, current: str) -> list[
    app_commands.Choice[str]
]:
    """Choices for what has been typed so far; none (and a log line) if anything fails."""
    try:
        return _memo.choices(the_bot(interaction).services.resolver, kind, current)
    except Exception:
        log.exception("autocomplete failed")
        return []


async def question_choices(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """A question's id or UIN as typed: an exact id or UIN first, then the newest question
    under each matching heading (values are API ids); none (and a log line) if anything fails."""
    services = the_bot(interaction).services
    try:
        out: list[app_commands.Choice[str]] = []
        if current.strip():
            # One indexed lookup, on the thread kept for quick reads.
            row = await services.db.quick(lambda store: store.question(current.strip()))
            if row is not None:
                out.append(
                    app_commands.Choice(
                        name=cut_at_word(f"{row['uin']} · {row['heading']}", CHOICE_LIMIT),
                        value=str(row["id"]),
                    )
                )
        topics = services.resolver.autocomplete("topic", current) if current.strip() else []
        for candidate in topics:
            latest = services.resolver.topics.latest.get(candidate.id)
            if latest is None or any(c.value == str(latest) for c in out):
                continue
            out.append(
                app_commands.Choice(
                    name=cut_at_word(f"{candidate.name} ({candidate.note})", CHOICE_LIMIT),
                    value=str(latest),
                )
            )
        return out[:AUTOCOMPLETE_LIMIT]
    except Exception:
        log.exception("question autocomplete failed")
        return []


class NameTransformer(app_commands.Transformer):
    """A member, department or topic option: autocompleted, and resolved once, from memory."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    @property
    def type(self) -> discord.AppCommandOptionType:
        return discord.AppCommandOptionType.string

    @property
    def max_value(self) -> int:
        return NAME_LIMIT

    async def autocomplete(  # type: ignore[override]  # narrower Choice type than Transformer
        self, interaction: discord.Interaction, value: str
    ) -> list[app_commands.Choice[str]]:
        return complete(interaction, self.kind, value)

    async def transform(self, interaction: discord.Interaction, value: str) -> Resolution:
        text = value.strip()
        if not text:
            return Resolution(self.kind, "")
        return the_bot(interaction).services.resolver.resolve(self.kind, text[:200])


MemberName = app_commands.Transform[Resolution, NameTransformer("member")]
DepartmentName = app_commands.Transform[Resolution, NameTransformer("department")]


def chosen(resolution: Resolution | None) -> Candidate | None:
    """The candidate an option settled on, or None when it was left empty."""
    return resolution.best if resolution is not None and resolution.text else None


def pin_names(
    query: SearchQuery, names: dict[str, Resolution | None]
) -> tuple[str, Resolution] | None:
    """Put what was typed for each name option on ``query``, pinning each sure name to its id;
    returns the first option whose name is not sure (to ask about), or None."""
    unsure = None
    for option in NAME_OPTIONS:
        resolution = names.get(option.name)
        if resolution is None or not resolution.text:
            continue
        setattr(query, option.name, resolution.text)
        if resolution.best is not None:
            query.pinned[option.name] = resolution.best.id
        elif unsure is None:
            unsure = (option.name, resolution)
    return unsure
