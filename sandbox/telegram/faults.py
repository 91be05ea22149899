"""Scripted failures.

``inject_error`` makes the next matching calls fail as told: those errors fire after
validation (a malformed call is still reported as a violation) and before the method runs,
so a failed call changes nothing, as with a real Telegram error.

``add_fault`` scripts the failures that happen *around* a call, the ones a client cannot
tell apart from each other and that break delivery guarantees:

* ``accept_then_drop``: the call takes effect (message posted, topic created), then the
  connection is closed without a response; the client sees a network error.
* ``hold``: the call takes effect, then the response is withheld until :meth:`CallFault.release`
  or until the client disconnects, so a test knows a call is in flight and can kill the
  client exactly then.
* ``fail_mid_upload`` (sendPhoto, sendDocument, sendMediaGroup): the connection is dropped
  while the request body is being read; nothing is posted.
* ``refuse_photo`` (sendPhoto): answers 400 ``Bad Request: IMAGE_PROCESS_FAILED``.

The first two act only over HTTP (an in-process call has no connection to lose).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sandbox.holds import HoldGate

from .errors import BotApiError

IMAGE_PROCESS_FAILED = "Bad Request: IMAGE_PROCESS_FAILED"
UPLOAD_METHODS = frozenset({"sendphoto", "senddocument", "sendmediagroup"})
#: ``"*"`` in a call fault never matches these: holding the poll would stall every test.
NOT_WILDCARD = frozenset({"getupdates", "getme"})


@dataclass(slots=True)
class InjectedError:
    """``count`` more calls of ``method`` (case-insensitive; ``"*"`` = any) fail."""

    method: str
    description: str
    error_code: int = 400
    count: int = 1
    retry_after: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "description": self.description,
            "error_code": self.error_code,
            "count": self.count,
            "retry_after": self.retry_after,
        }


class FaultKind(StrEnum):
    """What a call fault does to a matching call (see the module docstring)."""

    ACCEPT_THEN_DROP = "accept_then_drop"
    HOLD = "hold"
    FAIL_MID_UPLOAD = "fail_mid_upload"
    REFUSE_PHOTO = "refuse_photo"


#: The phase of a call in which each kind acts.
_BEFORE_BODY = frozenset({FaultKind.FAIL_MID_UPLOAD})
_BEFORE_RUN = frozenset({FaultKind.REFUSE_PHOTO})
_AFTER_RUN = frozenset({FaultKind.ACCEPT_THEN_DROP, FaultKind.HOLD})


def _text_of(params: dict[str, Any]) -> str:
    parts = [str(params.get("text") or ""), str(params.get("caption") or "")]
    parts += [str(params.get("name") or "")]  # createForumTopic
    for item in params.get("media") or ():
        if isinstance(item, dict):
            parts.append(str(item.get("caption") or ""))
    return "\n".join(parts)


@dataclass(eq=False)
class CallFault:
    """One scripted call fault and what it has done so far.

    It matches calls of ``method`` (case-insensitive; ``"a|b"`` = either; ``"*"`` = any but
    getUpdates/getMe), optionally only in ``chat_id`` / ``thread_id`` or when the text,
    caption or topic name contains ``contains``. The first ``skip`` matching calls pass
    untouched; the next ``count`` (None: all until cleared) are hit.
    """

    id: int
    kind: FaultKind
    method: str = "*"
    count: int | None = 1
    skip: int = 0
    chat_id: int | None = None
    thread_id: int | None = None
    contains: str | None = None
    #: The parameters of every call this fault hit, oldest first.
    hits: list[dict[str, Any]] = field(default_factory=list)
    #: How many hit calls are being held right now (``hold`` only).
    gate: HoldGate = field(default_factory=HoldGate, repr=False)

    def matches_method(self, method: str) -> bool:
        name = method.lower()
        if self.method == "*":
            return name not in NOT_WILDCARD
        return name in {part.strip().lower() for part in self.method.split("|")}

    def matches(self, method: str, params: dict[str, Any] | None) -> bool:
        if not self.matches_method(method):
            return False
        if params is None:
            return self.chat_id is None and self.thread_id is None and self.contains is None
        if self.chat_id is not None and str(params.get("chat_id")) != str(self.chat_id):
            return False
        if self.thread_id is not None and params.get("message_thread_id") != self.thread_id:
            return False
        return self.contains is None or self.contains in _text_of(params)

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.count <= 0

    def _hit(self, params: dict[str, Any] | None) -> bool:
        """Count one matching call; True when this call is hit (not skipped)."""
        if self.skip > 0:
            self.skip -= 1
            return False
        if self.count is not None:
            self.count -= 1
        self.hits.append(dict(params or {}))
        self.gate.notify()
        return True

    async def wait_hits(self, count: int = 1, seconds: float = 30.0) -> None:
        """Until ``count`` calls were hit (for ``hold``: are held or were answered)."""
        await self.gate.wait_for(lambda: len(self.hits) >= count, seconds)

    @property
    def holding(self) -> int:
        """Calls whose answer is being withheld right now (``hold``)."""
        return self.gate.holding

    @property
    def released(self) -> bool:
        return self.gate.released

    def release(self) -> None:
        """Answer every held call; the fault stops holding."""
        self.gate.release()

    async def wait_held(self, seconds: float = 30.0) -> None:
        await self.gate.wait_held(seconds)

    async def wait_idle(self, seconds: float = 30.0) -> None:
        await self.gate.wait_idle(seconds)

    async def hold(self, gone: Callable[[], bool], poll: float = 0.05) -> bool:
        return await self.gate.hold(gone, poll)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "method": self.method,
            "count": self.count,
            "skip": self.skip,
            "chat_id": self.chat_id,
            "thread_id": self.thread_id,
            "contains": self.contains,
            "hits": len(self.hits),
            "holding": self.holding,
            "released": self.released,
        }


class FaultPlan:
    """The pending injected errors and call faults, each consumed oldest first."""

    def __init__(self) -> None:
        self.pending: list[InjectedError] = []
        self.call_faults: list[CallFault] = []
        #: Refuse an uploaded photo whose bytes are no known image format (off by default:
        #: many tests upload placeholder bytes).
        self.refuse_unreadable_photos = False
        self._next_id = 1

    def add(self, fault: InjectedError) -> InjectedError:
        if fault.count < 1:
            raise ValueError("count must be at least 1")
        self.pending.append(fault)
        return fault

    def add_fault(
        self,
        kind: str,
        method: str = "*",
        *,
        count: int | None = 1,
        skip: int = 0,
        chat_id: int | None = None,
        thread_id: int | None = None,
        contains: str | None = None,
    ) -> CallFault:
        """Script a call fault; raises ``ValueError`` on a combination that cannot happen."""
        try:
            fault_kind = FaultKind(kind)
        except ValueError:
            allowed = ", ".join(k.value for k in FaultKind)
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {allowed}") from None
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or null: until cleared)")
        if skip < 0:
            raise ValueError("skip must not be negative")
        names = {part.strip().lower() for part in method.split("|")}
        if fault_kind is FaultKind.FAIL_MID_UPLOAD:
            if method == "*" or not names <= UPLOAD_METHODS:
                raise ValueError(
                    "fail_mid_upload applies to sendPhoto, sendDocument, sendMediaGroup"
                )
            if chat_id is not None or thread_id is not None or contains is not None:
                raise ValueError("fail_mid_upload acts before the body is read: match by method")
        if fault_kind is FaultKind.REFUSE_PHOTO and names != {"sendphoto"}:
            raise ValueError("refuse_photo applies to sendPhoto")
        fault = CallFault(
            self._next_id, fault_kind, method, count, skip, chat_id, thread_id, contains
        )
        self._next_id += 1
        self.call_faults.append(fault)
        return fault

    def take(self, method: str) -> BotApiError | None:
        """The error for this call of ``method``, if one is scripted."""
        for fault in self.pending:
            if fault.method == "*" or fault.method.lower() == method.lower():
                fault.count -= 1
                if fault.count <= 0:
                    self.pending.remove(fault)
                description = fault.description
                if fault.error_code == 429 and fault.retry_after is None:
                    fault.retry_after = 1
                return BotApiError(description, fault.error_code, retry_after=fault.retry_after)
        return None

    def _take(
        self, kinds: frozenset[FaultKind], method: str, params: dict[str, Any] | None
    ) -> CallFault | None:
        for fault in list(self.call_faults):
            if fault.kind not in kinds or fault.exhausted or fault.released:
                continue
            if fault.matches(method, params) and fault._hit(params):
                return fault
        return None

    def take_upload_failure(self, method: str) -> CallFault | None:
        """A ``fail_mid_upload`` for this call, decided before its body is read."""
        return self._take(_BEFORE_BODY, method, None)

    def take_refusal(self, method: str, params: dict[str, Any]) -> BotApiError | None:
        """The scripted refusal of this validated call, if any (before it runs)."""
        if self._take(_BEFORE_RUN, method, params) is not None:
            return BotApiError(IMAGE_PROCESS_FAILED)
        return None

    def take_after(self, method: str, params: dict[str, Any]) -> CallFault | None:
        """The ``accept_then_drop`` / ``hold`` for this call, which has just taken effect."""
        return self._take(_AFTER_RUN, method, params)

    def release_all(self) -> None:
        for fault in self.call_faults:
            fault.release()

    def clear(self) -> int:
        """Forget every injected error (call faults stay: see :meth:`clear_faults`)."""
        cleared = len(self.pending)
        self.pending.clear()
        return cleared

    def clear_faults(self) -> int:
        """Forget every call fault; calls still held are released first."""
        cleared = len(self.call_faults)
        self.release_all()
        self.call_faults.clear()
        return cleared
