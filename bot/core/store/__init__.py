"""The SQLite store: the schema and its migrations, reads and upserts, and store work off the
event loop."""
