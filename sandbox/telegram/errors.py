"""Bot API failures as plain exceptions, independent of the HTTP framework.

State and method code raise :class:`BotApiError`; the HTTP layer renders it as the real Bot API
error body so aiogram raises its real exceptions. The strings are the ones agreed in
``docs/telegram-contract.md`` (and, where it is silent, the ones Telegram is known to use).
"""

from __future__ import annotations

from typing import Any

THREAD_NOT_FOUND = "Bad Request: message thread not found"
TOPIC_CLOSED = "Bad Request: TOPIC_CLOSED"
TOPIC_NOT_MODIFIED = "Bad Request: TOPIC_NOT_MODIFIED"
NO_RIGHTS_TOPIC = "Bad Request: not enough rights to create a topic"
NO_RIGHTS_DELETE_TOPIC = "Bad Request: not enough rights to delete a topic"
NO_RIGHTS_PIN = "Bad Request: not enough rights to manage pinned messages in the chat"
NOT_A_FORUM = "Bad Request: the chat is not a forum"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
EDIT_NOT_FOUND = "Bad Request: message to edit not found"
DELETE_NOT_FOUND = "Bad Request: message to delete not found"
CANT_EDIT = "Bad Request: message can't be edited"
CANT_DELETE = "Bad Request: message can't be deleted"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "Bad Request: there is no caption in the message to edit"
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
REACTION_INVALID = "Bad Request: REACTION_INVALID"
REACTIONS_TOO_MUCH = "Bad Request: REACTIONS_TOO_MUCH"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_NOT_FOUND = "Bad Request: chat not found"
USER_NOT_FOUND = "Bad Request: user not found"
REPLY_NOT_FOUND = "Bad Request: message to be replied not found"
COPY_NOT_FOUND = "Bad Request: message to copy not found"
FORWARD_NOT_FOUND = "Bad Request: message to forward not found"
CANT_COPY = "Bad Request: message can't be copied"
PIN_NOT_FOUND = "Bad Request: message to pin not found"
REACT_NOT_FOUND = "Bad Request: MESSAGE_ID_INVALID"
INVALID_FILE_ID = "Bad Request: invalid file_id"
WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"
URL_CONTENT = "Bad Request: failed to get HTTP URL content"
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
NOT_MEMBER = "Forbidden: bot is not a member of the supergroup chat"
KICKED = "Forbidden: bot was kicked from the supergroup chat"
NOT_MEMBER_GROUP = "Forbidden: bot is not a member of the group chat"
KICKED_GROUP = "Forbidden: bot was kicked from the group chat"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"
UNAUTHORIZED = "Unauthorized"
NOT_FOUND = "Not Found"
NOT_SUPPORTED = "Bad Request: method not supported by the emulator"
CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)

CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to "
    "delete the webhook first"
)
BAD_WEBHOOK_HTTPS = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
BAD_WEBHOOK_PORT = (
    "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
)
BAD_WEBHOOK_SECRET = "Bad Request: secret token contains unallowed characters"


class BotApiError(Exception):
    """A Bot API failure: ``error_code`` is also the HTTP status.

    ``violation`` marks a failure caused by a call that breaks the spec (the emulator records
    it in ``violations``) as opposed to a legitimate runtime condition such as a deleted topic.
    """

    def __init__(
        self,
        description: str,
        error_code: int = 400,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        violation: str | None = None,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.error_code = error_code
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id
        self.violation = violation

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram answers with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body

    def __repr__(self) -> str:
        return f"BotApiError({self.error_code}, {self.description!r})"


def bad_request(description: str, *, violation: str | None = None) -> BotApiError:
    """400 with ``description`` prefixed by ``Bad Request: `` when it is not already."""
    if not description.startswith("Bad Request: "):
        description = f"Bad Request: {description}"
    return BotApiError(description, 400, violation=violation)


def spec_violation(what: str, description: str | None = None) -> BotApiError:
    """A 400 for a call that breaks the spec; ``what`` is recorded in ``violations``."""
    return bad_request(description or what, violation=what)


def too_many_requests(retry_after: int) -> BotApiError:
    return BotApiError(
        f"Too Many Requests: retry after {retry_after}", 429, retry_after=retry_after
    )
