"""/add_seller, split by job.

Routers (included by ``bot.handlers`` like every other; none imports another):
``one_line`` (the command, in private and in groups, and the one-line form), ``wizard``
(the private wizard's steps), ``pickers`` (the workspace and cabinet choices), ``cancel``
(Cancel and /cancel).

Shared, not routers: ``flow`` (the steps the routers share), ``handoff`` (from a group
into the private chat), ``state`` (FSM states and typed data). The keyboards live in
``bot.handlers.seller_forms``, since the key replacement uses them too.
"""
