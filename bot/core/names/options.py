"""The options that name a member or a department, in one table.

``/answers``, ``/subscribe``, the ``search`` command line, saved searches and the renderers all
read this table, so a new name option is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameOption:
    """One option that names a member or a department."""

    name: str  # the option, and the ``SearchQuery`` field that holds what was typed
    kind: str  # what it names: "member" or "department"
    code: str  # one letter standing for it in a button's custom_id (at most 100 characters)
    column: str  # the column of the ``subscriptions`` table that holds the chosen id
    words: str  # how a title says it: "asked by"
    description: str  # how a command describes it


NAME_OPTIONS = (
    NameOption("asked_by", "member", "a", "asked_by_id", "asked by", "Who asked (a member)"),
    NameOption(
        "answered_by", "member", "b", "answered_by_id", "answered by",
        "Who answered (a minister)",
    ),
    NameOption("member", "member", "m", "member_id", "involving", "Asked or answered by"),
    NameOption(
        "department", "department", "d", "department_id", "from",
        "Answering department (DfE, health, Ministry of Defence...)",
    ),
)
OPTION_BY_NAME = {option.name: option for option in NAME_OPTIONS}
OPTION_BY_CODE = {option.code: option for option in NAME_OPTIONS}
