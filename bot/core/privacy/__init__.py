"""What the bot keeps about people and servers, and letting them see and delete it.

- ``retention``: how long each kind of data is kept, in one place (read by the code, the
  ``/privacy`` reply and the manual's test);
- ``person``: one Discord user's data: counts, a JSON export, deletion in one transaction;
- ``servers``: servers the bot was removed from: paused at once, deleted ``GUILD_DATA_DAYS``
  later unless the bot returns; and the sweeps that keep the retention periods true.

Nothing here imports discord: the command line (``python -m bot privacy``) uses the same
functions as the bot.
"""
