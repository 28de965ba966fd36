"""Reading JSON whose shape someone else decides (Parliament's API, its dumps): a decoded value
is ``object`` until one of these narrows it."""

from __future__ import annotations

from collections.abc import Mapping


def json_object(value: object) -> Mapping[str, object] | None:
    """``value`` when it is a JSON object, else None."""
    return value if isinstance(value, dict) else None


def json_items(value: object) -> list[object]:
    """``value`` when it is a JSON array, else ``[]`` (absent, null or another shape)."""
    return value if isinstance(value, list) else []
