"""Parliamentary sessions, from their dates.

Within a session a House and a UIN name one question (Lords UINs start again each session,
Commons UINs at least each Parliament), so the session is what tells two printings of one
question from two questions that share a number. A session runs from its first sitting (the
State Opening, or for a new Parliament the day the House first met) to the day before the next
one begins: an answer given after prorogation or dissolution, before the next session opens,
belongs to the session that ended.

Sources: the House of Commons Library's "Parliamentary sessions since 1945" and the Commons
Journal. Sessions that open after the last start listed here count as part of the last one: add
its first day here when a new session opens.
"""

from __future__ import annotations

from bisect import bisect_right

__all__ = ["SESSION_STARTS", "session_of"]

# The first day of each session, oldest first.
SESSION_STARTS: tuple[str, ...] = (
    "1997-05-07",
    "1998-11-24",
    "1999-11-17",
    "2000-12-06",
    "2001-06-13",
    "2002-11-13",
    "2003-11-26",
    "2004-11-23",
    "2005-05-11",
    "2006-11-15",
    "2007-11-06",
    "2008-12-03",
    "2009-11-18",
    "2010-05-18",
    "2012-05-09",
    "2013-05-08",
    "2014-06-04",
    "2015-05-18",
    "2016-05-18",
    "2017-06-13",
    "2019-10-14",
    "2019-12-17",
    "2021-05-11",
    "2022-05-10",
    "2023-11-07",
    "2024-07-09",
)


def session_of(day: str | None) -> str | None:
    """The session a day (``YYYY-MM-DD``) falls in, named by its first day; days before the
    first listed session share one name (``"before 1997-05-07"``); None for no day."""
    if not day:
        return None
    index = bisect_right(SESSION_STARTS, day[:10])
    return SESSION_STARTS[index - 1] if index else f"before {SESSION_STARTS[0]}"
