"""Small helpers shared by the repositories: column lists and row → record mapping."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any, Protocol, TypeVar

import asyncpg

T = TypeVar("T")


class Executor(Protocol):
    """What both ``asyncpg.Pool`` and ``asyncpg.Connection`` offer; repositories accept either,
    so a service can run several repository calls in one transaction."""

    async def execute(self, query: str, *args: Any) -> str: ...

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]: ...

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None: ...

    async def fetchval(self, query: str, *args: Any) -> Any: ...


def columns(record_type: type, prefix: str = "") -> str:
    """The SELECT list for a record type (its field names are the column names)."""
    return ", ".join(f"{prefix}{f.name}" for f in fields(record_type))


def field_names(record_type: type) -> list[str]:
    """A record type's field names, which are its column names."""
    return [f.name for f in fields(record_type)]


def to_record(record_type: type[T], row: asyncpg.Record) -> T:
    return record_type(**dict(row))


def to_records(record_type: type[T], rows: Iterable[asyncpg.Record]) -> list[T]:
    return [record_type(**dict(row)) for row in rows]


class Repository:
    """Base: holds the pool and picks the caller's connection when one is given."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def _db(self, conn: Executor | None) -> Executor:
        return conn if conn is not None else self._pool
