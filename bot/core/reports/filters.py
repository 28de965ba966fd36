"""The filters the accountability reports and the overdue list share: a House, a department
(with the bodies it replaced) and members, as SQL conditions on the ``questions`` row ``q``.

A member filter means what it means in search: ``member_id`` either role (the member asked or
is answering), ``asking_member_id`` and ``answering_member_id`` one role each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def normal_house(house: str | None, error: type[ValueError]) -> str | None:
    """ "Commons" or "Lords" for any case of commons / lords, None for none; ``error`` (the
    caller's own kind of ValueError) for anything else."""
    if house is None or not house.strip():
        return None
    key = house.strip().lower()
    if key in ("commons", "lords"):
        return key.capitalize()
    raise error(f"house must be commons or lords, not {house[:20]!r}")


def body_ids(department_id: int | Sequence[int] | None, error: type[ValueError]) -> tuple[int, ...]:
    """A body id, or a body and those it replaced, as a tuple; () for none. An empty sequence
    raises ``error``: a department was meant, but none was given."""
    if department_id is None:
        return ()
    if isinstance(department_id, int):
        return (department_id,)
    ids = tuple(department_id)
    if not ids:
        raise error("no department given")
    return ids


@dataclass(frozen=True)
class QuestionScope:
    """Which questions a list or report covers: SQL conditions on ``q`` (``sql``, each
    starting with AND) and their named parameters (``params``)."""

    body_ids: tuple[int, ...] = ()
    house: str | None = None
    answering_member_id: int | None = None
    asking_member_id: int | None = None
    member_id: int | None = None  # either role: asked or answering, as in search

    @property
    def sql(self) -> str:
        """The conditions, each starting with AND; "" for every question."""
        parts = []
        if self.body_ids:
            names = ", ".join(f":body{i}" for i in range(len(self.body_ids)))
            parts.append(f"AND q.answering_body_id IN ({names})")
        if self.answering_member_id is not None:
            parts.append("AND q.answering_member_id = :answerer")
        if self.asking_member_id is not None:
            parts.append("AND q.asking_member_id = :asker")
        if self.member_id is not None:
            parts.append("AND (q.asking_member_id = :member OR q.answering_member_id = :member)")
        if self.house:
            parts.append("AND q.house = :house")
        return " ".join(parts)

    @property
    def params(self) -> dict[str, int | str]:
        """The named parameters ``sql`` uses."""
        values: dict[str, int | str] = {f"body{i}": b for i, b in enumerate(self.body_ids)}
        if self.answering_member_id is not None:
            values["answerer"] = self.answering_member_id
        if self.asking_member_id is not None:
            values["asker"] = self.asking_member_id
        if self.member_id is not None:
            values["member"] = self.member_id
        if self.house:
            values["house"] = self.house
        return values
