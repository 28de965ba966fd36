"""The fair-use limits' bookkeeping (bot/discord/fair_use_limits.py), on a clock the test moves; the
commands themselves are tested end to end in tests/e2e/test_fair_use.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from discord import app_commands

from bot.discord.fair_use_limits import FairUse, FairUseLimits, fair_use_message


class Clocked(FairUse):
    now = 1000.0

    def _now(self) -> float:
        return self.now


def interaction(number: int, user: int = 7) -> Any:
    return SimpleNamespace(id=number, user=SimpleNamespace(id=user))


def test_one_at_a_time_then_free_again_and_a_lost_completion_expires() -> None:
    fair = Clocked(FairUseLimits(at_once=1, reports=100, per=60, busy_retry=3, hold_at_most=120))
    fair.take(interaction(1), report=True)
    with pytest.raises(app_commands.CommandOnCooldown) as refused:
        fair.take(interaction(2), report=True)
    assert fair_use_message(refused.value).endswith("Try again in 3 s.")
    fair.take(interaction(3, user=8), report=True)  # someone else is not held up
    fair.release(interaction(2))  # a refused one releases nothing
    assert fair.running(7) == 1
    fair.release(interaction(1))
    fair.take(interaction(4), report=False)
    fair.now += 121  # its completion never came: the place is free after hold_at_most
    fair.take(interaction(5), report=False)
    assert fair.running(7) == 1


def test_the_report_budget_is_shared_and_says_when_it_refills() -> None:
    fair = Clocked(FairUseLimits(at_once=5, reports=2, per=60))
    fair.take(interaction(1), report=True)
    fair.release(interaction(1))
    fair.now += 10
    fair.take(interaction(2), report=True)
    fair.release(interaction(2))
    fair.take(interaction(3), report=False)  # not a report: not counted
    fair.release(interaction(3))
    with pytest.raises(app_commands.CommandOnCooldown) as refused:
        fair.take(interaction(4), report=True)
    assert refused.value.retry_after == pytest.approx(50)  # the window opened 60 s before
    assert fair_use_message(refused.value).endswith("Try again in 50 s.")
    fair.now += 51
    fair.take(interaction(5), report=True)
