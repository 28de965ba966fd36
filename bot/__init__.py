"""The core of the written-answers bot: store, ingest, search, matching, subscriptions and delivery,
with no Discord in it (the adapter is ``bot.discord``)."""
