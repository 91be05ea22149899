"""/add_seller, split by job: ``one_line`` (the command, in private and in groups, and the
one-line form), ``wizard`` (the private wizard's steps), ``flow`` (the steps both share),
``handoff`` (from a group into the private chat), ``state`` (FSM states and typed data).
The keyboards live in ``bot.handlers.seller_forms`` (the key replacement uses them too).

``one_line`` and ``wizard`` are routers, included by ``bot.handlers`` like every other;
neither imports the other.
"""
