"""Local emulator of Ozon's Seller API for buyer chats (offline demo, tests, benchmarks).

It follows ``shared/reference/ozon-chat-api.md`` for wire formats and
``docs/ozon-contract.md`` for the agreed choices and error bodies.

In process::

    from sandbox.ozon import OzonEmulator, EmulatorState

    async with OzonEmulator(host="127.0.0.1", port=0) as emu:
        emu.state.add_seller("111111", "demo-key")
        chat_id, message_id = emu.state.buyer_writes("111111", text="Здравствуйте!")
        ...  # point the client at emu.base_url
        assert emu.state.sent_by_seller("111111", chat_id)[0].text == "Ответ"
        emu.calls[("111111", "/v3/chat/list")]  # Seller API calls received

Standalone: ``python -m sandbox.ozon --port 8081 [--host 127.0.0.1] [--demo-seller]``.

Seller API (``Client-Id`` / ``Api-Key`` headers, POST JSON unless noted):
``/v3/chat/list``, ``/v3/chat/history``, ``/v1/chat/send/message``, ``/v1/chat/send/file``,
``/v2/chat/read``, ``/v1/chat/start``, ``GET /v2/chat/file/<path>``. The removed
``/v1/chat/updates``, ``/v1/chat/list``, ``/v1/chat/history`` and ``/v2/chat/history`` answer
404 code 5. Per-Client-Id limit: ``rate_limit_rps`` calls per wall-clock second.

Emulator rules the reference leaves open:

* ``/v3/chat/list`` is ordered by last activity (newest message), newest first; the cursor
  is an opaque keyset position, so a walk with nothing changing sees each chat once.
  ``total_unread_count`` counts every chat of the seller (system chat included) whatever the
  filter.
* Reply window: 48 h from the buyer's last message, or from ``/v1/chat/start`` for a chat the
  seller opened; a chat with neither (the system chat) refuses replies as expired.
* A buyer message in a closed chat reopens it.
* ``/v3/chat/history`` ``Forward`` needs ``from_message_id``; ``limit`` 0 means the default 50.
* ``/v2/chat/read`` without ``from_message_id`` marks the whole chat read.
* ``/v1/chat/send/file`` with a picture name (.jpg, .png, ...) becomes an image message.
* Push notifications (off until a seller has a push URL): each buyer message is posted as
  ``TYPE_NEW_MESSAGE`` and each closed chat as ``TYPE_CHAT_CLOSED``, in the documented shape
  (``chat_type`` ``Buyer_Seller``, integer ``seller_id``), once, with a 5 s timeout and no
  retry; ``emulator.pushes`` records ``(url, payload, status)``.

Control API (no auth, not rate-limited, not counted in ``calls``). JSON in and out; errors
are ``{"error": "..."}`` with 400 or 404. Examples with ``curl -sX POST $URL/... -d '<json>'``:

``POST /__control/sellers``
    ``{"client_id": "111111", "api_key": "demo-key", "premium": true, "name": "Shop"}``
    → 201 seller summary (includes ``system_chat_id``).
``POST /__control/sellers/{client_id}/premium``
    ``{"premium": false}`` → ``{"client_id": "111111", "premium": false}``
``POST /__control/sellers/{client_id}/api_key``
    ``{"api_key": "new-key"}`` → the old key now answers 404 code 5 (revoked).
``POST /__control/sellers/{client_id}/push_url``
    ``{"url": "http://127.0.0.1:8443/ozon/push"}`` (``null`` stops pushes)
    → ``{"client_id": "111111", "url": "..."}``
``POST /__control/sellers/{client_id}/postings``
    ``{"posting_number": "47873153-0052-1", "sku": "987654321"}`` → 201; ``/v1/chat/start``
    can then open a chat for it.
``POST /__control/sellers/{client_id}/buyer_message``
    ``{"text": "Где заказ?", "image_base64": "/9j/4AAQ...", "image_name": "photo.jpg",
    "file_name": "act.pdf", "file_base64": "JVBERi0...", "chat_id": null, "buyer_id": "115568",
    "order_number": "47873153-0052", "sku": "987654321", "posting_number": "47873153-0052-1",
    "at": "2025-09-14T08:07:19.581Z"}`` (all optional but one of text/image/file; no
    ``chat_id`` opens a new chat) → 201 ``{"chat_id": "<uuid>", "message_id": "3000..."}``
``POST /__control/sellers/{client_id}/cabinet_reply``
    ``{"chat_id": "<uuid>", "text": "Ответ из кабинета"}`` → 201 ``{"message_id": "3000..."}``
``POST /__control/sellers/{client_id}/close_chat``
    ``{"chat_id": "<uuid>"}`` → ``{"chat_id": "<uuid>", "chat_status": "CLOSED"}``
``POST /__control/sellers/{client_id}/seed``
    ``{"count": 5000, "messages_per_chat": 1, "age_seconds": 3600}``
    → 201 ``{"created": 5000, "chat_ids": [...]}``
``POST /__control/follow_ups``
    ``{"per_seller": 50, "seed": 1}`` → 201 ``{"messages": 5000}``: that many random buyer
    chats of every seller get one more buyer message (benchmarks).
``GET /__control/sellers/{client_id}/sent?chat_id=<uuid>``
    → ``{"sent": [{"chat_id", "message_id", "kind": "text"|"file", "text", "file_name",
    "file_base64", "at"}]}`` (``chat_id`` query optional)
``POST /__control/faults``
    ``{"kind": "accept_then_drop", "count": 1, "path": "/v1/chat/send/message",
    "client_id": "111111"}``; kinds ``429``, ``500``, ``slow`` (needs ``"seconds": 2.5``),
    ``drop``, ``accept_then_drop``, ``hold``, ``fail_mid_upload``; ``"until": "<RFC3339>"``
    (emulated time) instead of ``count``; neither = until cleared → 201 the fault.
    ``hold``: the call is processed, its response withheld until
    ``POST /__control/faults/{id}/release`` (or the client disconnects); ``fail_mid_upload``
    (``/v1/chat/send/file`` only): part of the body is read, then the connection is closed,
    nothing stored. Each fault shows ``hits``, ``holding`` and ``released``.
``GET /__control/faults``
    → ``{"faults": [...]}``
``DELETE /__control/faults``
    → ``{"cleared": 1}``
``POST /__control/clock/advance``
    ``{"seconds": 172800}`` → ``{"now": "2025-09-16T08:07:19.581Z"}``
``POST /__control/settings``
    ``{"history_inclusive": true, "rate_limit_rps": 50}`` → the current settings.
``GET /__control/state``
    → ``{"now", "public_base_url", "history_inclusive", "rate_limit_rps", "totals": {"sellers",
    "chats", "messages", "unread", "sent", "files"}, "calls", "sellers": [...], "faults": [...]}``
``POST /__control/reset``
    → ``{"reset": true}``: empty world, clock offset, faults, call counts and rate windows
    cleared.
"""

from .errors import ApiError
from .faults import FaultKind
from .models import ChatStatus, ChatType, SentRecord, UserType
from .server import OzonEmulator
from .state import EmulatorState, UnknownSellerError

__all__ = [
    "ApiError",
    "ChatStatus",
    "ChatType",
    "EmulatorState",
    "FaultKind",
    "OzonEmulator",
    "SentRecord",
    "UnknownSellerError",
    "UserType",
]
