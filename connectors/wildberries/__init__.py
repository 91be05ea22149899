"""Wildberries buyer-chat connector (low level; the marketplace adapter builds on it).

- ``client.WildberriesClient(base_url=..., http=None, auth_scheme="bearer")``: one per
  process; ``for_seller(token)`` → ``WildberriesSellerApi`` with ``check()``,
  ``chats()``, ``events(next_cursor)``, ``send(reply_sign, text, files)``,
  ``download(download_id)``; ``calls`` counts requests per seller and path.
- ``rules``: WB's content rules as data (``MAX_TEXT``, ``MAX_FILE_BYTES``,
  ``MAX_TOTAL_BYTES``, ``ALLOWED_TYPES``) and ``check_message``; ``OutgoingFile``.
- ``echo.find_echo``: settles a ``SendOutcomeUnknown`` from the events stream;
  ``is_portal_reply`` tells the seller's portal messages from ours.
- ``models``: ``Chat``, ``Event``, ``EventsPage``, ``SendResult``, ``Download``, ``Sender``.
- Failures are the neutral ``connectors.errors`` types: ``TokenExpired``,
  ``TokenScopeMissing``, ``TokenRateTooLow`` (Base token), ``AuthFailed("invalid_key")``,
  ``ContentRejected(rule)``, ``AttachmentNotReady(retry_after)``, ``AttachmentRefused``,
  ``ChatNotFound`` (bad replySign), ``RateLimited``, ``ServerError``, ``SendOutcomeUnknown``.
"""
