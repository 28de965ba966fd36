"""The shipped schema migrations, oldest first, in the order ``schema.MIGRATIONS`` runs them.

``bot/core/store/schema.py`` holds the one list, ``MIGRATIONS``, and the newest migrations; these
modules hold the older ones, unchanged since they shipped. A new migration goes at the end of
``MIGRATIONS``, never here.
"""
