"""The adapter for ``/overdue``: its embeds and its views."""
