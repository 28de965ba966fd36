"""Where questions come from: the Parliament API (fetch, poll, backfill), TheyWorkForYou's
archive, and files (ingest), each parsed into one record shape."""
