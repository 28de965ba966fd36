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
``LIMITS`` below and in the manual (docs/using/slash-commands.md, "Fair use").

Use: ``@expensive_report()`` on a report command (the shared check ``/export`` should use),
``@expensive()`` on one that is costly but not a report (the ``/subscribe`` preview).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import discord
from discord import app_commands

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class FairUseLimits:
    """Every fair-use limit, per person."""

    #: Costly commands one person may have running at once.
    at_once: int = 1
    #: Report commands (/timeliness, /helpfulness, /export) one person may start per ``per``
    #: seconds, all of them together.
    reports: int = 5
    per: float = 60.0
    #: "Try again in" for a person whose earlier command is still running: the seconds a
    #: report takes at most, about (0.8 s at a million questions, with its chart, on a quiet
    #: machine; longer under load).
    busy_retry: float = 3.0
    #: A command running longer than this no longer holds its place (a lost completion).
    hold_at_most: float = 120.0


#: The limits the bot runs with.
LIMITS = FairUseLimits()


@dataclass
class FairUse:
    """One bot's fair-use state: who is running what, and each person's report budget."""

    limits: FairUseLimits = LIMITS
    _running: dict[int, dict[int, float]] = field(default_factory=dict)  # user -> {id: start}
    _budgets: dict[int, app_commands.Cooldown] = field(default_factory=dict)

    def _now(self) -> float:
        return time.monotonic()

    def take(self, interaction: discord.Interaction, report: bool) -> None:
        """Let the interaction's command run and hold its place, or raise ``CommandOnCooldown``
        with when to try again."""
        now = self._now()
        user = interaction.user.id
        running = self._running.setdefault(user, {})
        for key, started in list(running.items()):
            if now - started > self.limits.hold_at_most:
                del running[key]
        if len(running) >= self.limits.at_once:
            oldest = min(running.values())
            retry = max(1.0, self.limits.busy_retry - (now - oldest))
            raise app_commands.CommandOnCooldown(
                app_commands.Cooldown(self.limits.at_once, self.limits.busy_retry), retry)
        if report:
            self._forget_idle_budgets(now)
            budget = self._budgets.get(user)
            if budget is None:
                budget = self._budgets[user] = app_commands.Cooldown(
                    self.limits.reports, self.limits.per)
            retry_after = budget.update_rate_limit(now)
            if retry_after is not None:
                raise app_commands.CommandOnCooldown(budget, retry_after)
        running[interaction.id] = now

    def release(self, interaction: discord.Interaction) -> None:
        """The interaction's command finished (or failed): its place is free."""
        running = self._running.get(interaction.user.id)
        if running is not None:
            running.pop(interaction.id, None)
            if not running:
                del self._running[interaction.user.id]

    def _forget_idle_budgets(self, now: float) -> None:
        idle = [user for user, budget in self._budgets.items()
                if budget.get_tokens(now) >= budget.rate]
        for user in idle:
            del self._budgets[user]

    def running(self, user_id: int) -> int:
        """How many costly commands of this person are running."""
        return len(self._running.get(user_id, {}))


def fair_use_message(error: app_commands.CommandOnCooldown) -> str:
    """What the person refused is told, privately."""
    seconds = max(1, math.ceil(error.retry_after))
    return (f"That one takes a lot of work, so each person may ask for a few at a time. "
            f"Try again in {seconds} s.")


def _fair_use_of(interaction: discord.Interaction) -> FairUse | None:
    client: Any = interaction.client
    return getattr(client, "fair_use", None)


def _check(report: bool) -> Callable[[discord.Interaction], bool]:
    def predicate(interaction: discord.Interaction) -> bool:
        fair_use = _fair_use_of(interaction)
        if fair_use is not None:
            fair_use.take(interaction, report)
        return True

    return predicate


def expensive() -> Callable[[T], T]:
    """A check for a costly command: one at a time per person (the ``/subscribe`` preview)."""
    return app_commands.check(_check(report=False))


def expensive_report() -> Callable[[T], T]:
    """The shared check for report commands (/timeliness, /helpfulness, /export): one at a
    time per person, and ``LIMITS.reports`` per ``LIMITS.per`` seconds."""
    return app_commands.check(_check(report=True))
