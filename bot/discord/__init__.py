"""The Discord adapter: the client and its wiring, views and buttons, embeds, the poster.

The core (the rest of ``bot/``) never imports this package; cogs import it and the core.
"""
