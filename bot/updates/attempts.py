"""What a handler may know about the run it is part of: whether the processor will try the
update again if it fails, and how a handler says "I already told the person".

The errors router stays silent while a retry is coming (the person is told once, when the
bot gives up) and, on the last attempt, tells the person itself and raises
:class:`PersonTold` so the processor records the failure without a second notice.
"""

from __future__ import annotations

from contextvars import ContextVar

# Set by the processor around each run of a stored update; True where nobody retries
# (an update fed straight to the dispatcher, as tests do).
LAST_ATTEMPT: ContextVar[bool] = ContextVar("last_attempt", default=True)


class PersonTold(Exception):
    """A handler failed for good and the person has been told; ``__cause__`` is why."""
