"""The table of answering bodies and the names people use for them (``departments.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from bot.core.records import synthetic_id
from bot.core.text import fold

_SMALL_WORDS = frozenset(("and", "of", "for", "the", "on", "in"))


@dataclass(frozen=True)
class Department:
    """One answering body of ``departments.json``: the names people and sources use for it, and
    the bodies that took over its work.

    ``id`` is the Parliament API's answering body id, or None where no source gives it (the body
    then has a stable id made from its name, ``body_id``); ``headings`` are the Hansard major
    headings its answers are filed under; ``succeeded_by`` the ids of the bodies that took over a
    renamed, merged or split one; ``since``/``until`` (ISO days, optional) when it answered.
    """

    id: int | None
    name: str
    short: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    succeeded_by: tuple[int, ...] = ()
    since: str | None = None
    until: str | None = None

    @property
    def body_id(self) -> int:
        """Parliament's id, else the stable id made from the name (the same in every source)."""
        return self.id if self.id is not None else name_id(self.name)

    def names(self) -> tuple[str, ...]:
        """Every way of naming this body, folded."""
        return tuple(
            fold(n) for n in (self.name, *self.short, *self.aliases, *self.former, *self.headings)
        )

    def answered_on(self, day: str) -> bool:
        """Whether the body answered on ``day`` (ISO), as far as the table says."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day < self.until
        )


def name_id(name: str) -> int:
    """The stable id of a body Parliament gives no id, made from its name."""
    return synthetic_id("body|" + fold(name))


@cache
def department_table() -> tuple[Department, ...]:
    """Every body in ``departments.json``, read once; successors named by name get their ids."""
    names = resources.files("bot.core.names")
    raw = json.loads(names.joinpath("departments.json").read_text("utf-8"))
    items = raw["bodies"]
    ids_by_name = {
        fold(item["name"]): item["id"] if item.get("id") is not None else name_id(item["name"])
        for item in items
    }

    def successor_id(ref: int | str) -> int:
        if isinstance(ref, int):
            return ref
        if fold(ref) not in ids_by_name:
            raise ValueError(f"departments.json: succeeded_by names an unknown body {ref!r}")
        return ids_by_name[fold(ref)]

    return tuple(
        Department(
            id=item.get("id"),
            name=item["name"],
            short=tuple(item.get("short", ())),
            aliases=tuple(item.get("aliases", ())),
            former=tuple(item.get("former", ())),
            headings=tuple(item.get("headings", ())),
            succeeded_by=tuple(successor_id(r) for r in item.get("succeeded_by", ())),
            since=item.get("from"),
            until=item.get("until"),
        )
        for item in items
    )


def _heading_matches(key: str) -> list[Department]:
    """The bodies a folded heading could be, best first: Parliament's own name (modern files
    carry it), then a Hansard heading form, then any other name."""
    table = department_table()
    ranked: list[Department] = []
    for test in (
        lambda d: fold(d.name) == key,
        lambda d: key in (fold(h) for h in d.headings),
        lambda d: key in d.names() or fold(d.name).removeprefix("department for ") == key,
    ):
        ranked.extend(d for d in table if test(d) and d not in ranked)
    return ranked


@lru_cache(maxsize=16_384)  # the archive meets each heading thousands of times
def body_for_heading(heading: str, day: str | None = None) -> tuple[int, str]:
    """The answering body for a ParlParse major heading ("HOME DEPARTMENT") filed on ``day``.

    Exact matches on any known name only; where two bodies share a name (DCMS before and after
    2023), the one answering on ``day`` wins. A heading we do not know becomes a body of its own,
    with a stable id, named as the heading in title case.
    """
    key = fold(heading)
    matches = _heading_matches(key)
    if day is not None:
        matches = [d for d in matches if d.answered_on(day)] or matches
    if matches:
        return matches[0].body_id, matches[0].name
    words = " ".join(heading.split()).lower().split(" ")
    title = " ".join(
        w if w in _SMALL_WORDS and i else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )
    return name_id(key), title
