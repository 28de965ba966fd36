"""News: channel subscriptions, their schedules, personal alerts, and the outbox that posts each
item exactly once."""
