"""The table of answering bodies and the names people use for them (``departments.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.records import synthetic_id
from bot.text import fold


@dataclass(frozen=True)
class Department:
    """One answering body of ``departments.json``: the names people use for it, and the body that
    answers for it now.

    ``id`` is the Parliament API's answering body id, or None where it is not known (the body is
    then matched by name); ``succeeded_by`` is the id of the body that took over a renamed or merged
    one.
    """

    id: int | None
    name: str
    short: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    succeeded_by: int | None = None

    def names(self) -> tuple[str, ...]:
        """Every way of naming this body, folded."""
        return tuple(fold(n) for n in (self.name, *self.short, *self.aliases, *self.former))


@cache
def department_table() -> tuple[Department, ...]:
    """Every body in ``departments.json``, read once."""
    raw = json.loads(resources.files("bot").joinpath("departments.json").read_text("utf-8"))
    return tuple(
        Department(
            id=item.get("id"),
            name=item["name"],
            short=tuple(item.get("short", ())),
            aliases=tuple(item.get("aliases", ())),
            former=tuple(item.get("former", ())),
            succeeded_by=item.get("succeeded_by"),
        )
        for item in raw["bodies"]
    )


@cache  # a pure function of a static table; the archive meets each heading thousands of times
def body_for_heading(heading: str) -> tuple[int, str]:
    """The answering body for a ParlParse major heading ("WORK AND PENSIONS").

    Exact matches on any known name only: a heading we do not know becomes a body of its own,
    with a stable id, named as the heading in title case.
    """
    key = fold(heading)
    for department in department_table():
        if (
            key in department.names()
            or fold(department.name).removeprefix("department for ") == key
        ):
            if department.id is not None:
                return department.id, department.name
            return synthetic_id("body|" + fold(department.name)), department.name
    title = " ".join(w if w in ("and", "of", "for", "the") else w.capitalize() for w in key.split())
    return synthetic_id("body|" + key), title
