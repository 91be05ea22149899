"""Errors that stop start-up with a message meant for the operator (no traceback)."""


class StartupError(RuntimeError):
    """Configuration or environment problem; ``str(error)`` is safe to print."""
