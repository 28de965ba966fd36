"""Buttons and menus already posted keep working after an upgrade: every custom_id shape the
bot has ever posted (the previous release's, listed here by hand, not read from the code) is
still claimed by a registered DynamicItem of the running bot, which rebuilds it."""

from __future__ import annotations

import pytest

# One example of each custom_id the released bot put on messages.
POSTED_BEFORE = [
    "vote:500001:y", "vote:500001:n",  # Does this answer the above question?
    "apage:500001:2",  # a long answer's pages
    "rpage:17:1",  # search results' pages
    "ropen:17",  # "Open an answer…" on results and digests
    "pick:17:m:202",  # a name picked for /answers
    "alert:500001", "alertf:500001",  # Alert me (a question; answers like one)
    "ovd:2:c:29::", "ovd:0:l::202:4651",  # /overdue's pages
    "ovopen", "ovalert",  # /overdue's menus
    "sconfirm:17", "scancel:17",  # the /subscribe preview
    "spick:17:d:29",  # a name picked for /subscribe
]


@pytest.mark.parametrize("custom_id", POSTED_BEFORE)
async def test_a_custom_id_posted_before_is_still_handled(answers_bot, custom_id: str) -> None:
    registered = answers_bot._connection._view_store._dynamic_items
    claimed = [cls for pattern, cls in registered.items() if pattern.fullmatch(custom_id)]
    assert len(claimed) == 1, f"{custom_id} is handled by {claimed}"
