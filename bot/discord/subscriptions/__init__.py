"""The adapter for channel subscriptions: posting to channels, threads and forums."""
