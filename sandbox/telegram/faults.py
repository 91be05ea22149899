"""Scripted failures: ``inject_error`` makes the next matching calls fail as told.

Faults fire after validation (a malformed call is still reported as a violation) and before
the method runs, so a failed call changes nothing, as with a real Telegram error.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BotApiError


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


class FaultPlan:
    """The pending injected errors, consumed in the order they were added."""

    def __init__(self) -> None:
        self.pending: list[InjectedError] = []

    def add(self, fault: InjectedError) -> InjectedError:
        if fault.count < 1:
            raise ValueError("count must be at least 1")
        self.pending.append(fault)
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

    def clear(self) -> int:
        cleared = len(self.pending)
        self.pending.clear()
        return cleared
