"""Fair use: a per-person limit on the commands that keep the store's reader threads busy.

The store has three reader threads (``bot/core/store/access.py``). A search takes milliseconds;
``/timeliness`` of every department with its chart about 0.8 s at a million questions,
``/helpfulness`` about 0.5 s, a topic-only ``/subscribe`` preview about 0.4 s. Twenty reports
asked at once by one person would queue ahead of everyone else's searches for seconds. So, per
person (their user id, in every server):

- **one at a time**: while one of these commands of theirs is running, another is refused;
- **reports**: ``/timeliness``, ``/helpfulness`` (and ``/export`` once it exists) share a
  budget of ``LIMITS.reports`` commands per ``LIMITS.per`` seconds.

The person refused is told privately when to try again ("Try again in 12 s."), by the bot's
app-command error handler (``fair_use_message``). Both limits are discord.py checks
(``app_commands.check``) raising discord.py's ``CommandOnCooldown``, built on its ``Cooldown``
bucket, so they run before the command and are reported like any check. Every limit is in
``LIMITS`` (``fair_use_limits.py``, with the bookkeeping the checks use through
``AppBot.fair_use``) and in the manual (docs/using/slash-commands.md, "Fair use").

Use: ``@expensive_report()`` on a report command (the shared check ``/export`` should use),
``@expensive()`` on one that is costly but not a report (the ``/subscribe`` preview).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from discord import app_commands

from bot.discord.base import Interaction
from bot.discord.fair_use_limits import LIMITS, FairUse, FairUseLimits, fair_use_message

__all__ = [
    "LIMITS",
    "FairUse",
    "FairUseLimits",
    "expensive",
    "expensive_report",
    "fair_use_message",
]

T = TypeVar("T")


def _check(report: bool) -> Callable[[Interaction], bool]:
    def predicate(interaction: Interaction) -> bool:
        interaction.client.fair_use.take(interaction, report)
        return True

    return predicate


def expensive() -> Callable[[T], T]:
    """A check for a costly command: one at a time per person (the ``/subscribe`` preview)."""
    return app_commands.check(_check(report=False))


def expensive_report() -> Callable[[T], T]:
    """The shared check for report commands (/timeliness, /helpfulness, /export): one at a
    time per person, and ``LIMITS.reports`` per ``LIMITS.per`` seconds."""
    return app_commands.check(_check(report=True))
