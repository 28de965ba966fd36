"""The Discord-free core of the written-answers bot, grouped by feature: ``store``, ``sources``,
``names``, ``search``, ``news`` and ``reports``. It never imports discord, the adapter or the
cogs."""
