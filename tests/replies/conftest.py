"""The end-to-end world of tests/e2e, for the reply-spine tests of this folder."""

from tests.e2e.conftest import world  # noqa: F401 - a fixture, used by name
