"""Dispatcher middlewares: what every handler receives besides the long-lived dependencies."""
