"""The adapter for personal alerts: sending them by direct message."""
