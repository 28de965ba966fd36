"""Fair use's bookkeeping: the limits, who is running what, each person's report budget, and
what a person refused is told. The policy and the checks commands carry: ``fair_use.py``."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import discord
from discord import app_commands


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
                app_commands.Cooldown(self.limits.at_once, self.limits.busy_retry), retry
            )
        if report:
            self._forget_idle_budgets(now)
            budget = self._budgets.get(user)
            if budget is None:
                budget = self._budgets[user] = app_commands.Cooldown(
                    self.limits.reports, self.limits.per
                )
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
        idle = [
            user for user, budget in self._budgets.items() if budget.get_tokens(now) >= budget.rate
        ]
        for user in idle:
            del self._budgets[user]

    def running(self, user_id: int) -> int:
        """How many costly commands of this person are running."""
        return len(self._running.get(user_id, {}))


def fair_use_message(error: app_commands.CommandOnCooldown) -> str:
    """What the person refused is told, privately."""
    seconds = max(1, math.ceil(error.retry_after))
    return (
        f"That one takes a lot of work, so each person may ask for a few at a time. "
        f"Try again in {seconds} s."
    )
