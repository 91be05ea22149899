"""Domain errors raised by repositories, so callers never inspect asyncpg exceptions."""


class StorageError(Exception):
    """Base for storage-level failures a caller may want to handle."""


class NotFound(StorageError):
    """The requested row does not exist (where absence is an error, not a normal answer)."""


class Conflict(StorageError):
    """A uniqueness or state rule forbids the change (e.g. the seller is already registered)."""
