"""The Discord-free core of the written-answers bot, grouped by feature: ``store``, ``sources``,
``names``, ``search``, ``news``, ``reports`` and ``privacy``. It never imports discord, the
adapter or the cogs."""
