"""Local emulator of Wildberries' buyer-chat API (offline demo, tests, benchmarks).

Wire formats follow ``shared/reference/wildberries-chat-api.md`` and WB's OpenAPI (vendored as
``spec/wb-chat.json``). In process::

    from sandbox.wildberries import Upload, WbState, WildberriesEmulator

    async with WildberriesEmulator() as emu:
        seller = emu.state.add_seller("seller-1", name="Shop")
        token = emu.state.issue_token(seller).token
        event = emu.state.buyer_writes(seller, text="Здравствуйте!")
        ...  # point WildberriesClient(base_url=emu.base_url) at it with ``token``
        assert emu.state.sent_by(seller, event.chat_id)[0].text == "Ответ"
        emu.calls[(seller, "/api/v1/seller/events")]  # API calls received

Standalone: ``python -m sandbox.wildberries --port 8084 [--host 127.0.0.1] [--demo-seller]
[--no-rate-limit] [--events-page-size 50]``; ``--demo-seller`` creates seller
``demo-wb-seller`` with the token ``demo-wb-token``.

API (``Authorization: Bearer <token>`` or the bare token; ``auth_mode`` narrows to one form):
``GET /api/v1/seller/chats``, ``GET /api/v1/seller/events[?next=<ms>]``,
``POST /api/v1/seller/message`` (multipart ``replySign``, ``message``, ``file``…),
``GET /api/v1/seller/download/{downloadID}``, and ``GET /ping`` (``{"TS", "Status": "OK"}``,
3 per 30 s, outside the chat budget). Errors are ``application/problem+json``.

Rules the emulator applies (where the reference leaves a choice, the choice is named):

* Tokens: unknown → 401 ``token is malformed``; past expiry (emulated clock) → 401 ``token
  expired``; without the buyer-chat category → 401 ``token scope not allowed``. Issued tokens
  are JWTs with ``exp``, ``sid`` and scope bit 9; a registered opaque string works too.
* Budget (wall clock): 10 requests per seller, one back per second, shared by the four methods
  and all the seller's tokens; a ``base`` token has 1 per hour (downloads 10 per hour, burst 1)
  of its own. 429 carries ``X-Ratelimit-Retry``/``-Reset``/``-Limit``; answers carry
  ``X-Ratelimit-Limit``/``-Remaining``. Order: token, faults, budget, method.
* Events: strictly after ``next`` (ms), oldest first, ``events_page_size`` per page; ``next``
  is the last event's ``addTimestamp`` (event times are strictly increasing per seller), an
  empty page repeats the cursor and has ``totalEvents: 0``. ``next=0`` → 400 ``Invalid value
  for "next"``, non-numeric → 400 ``Invalid number``. ``replySign`` only with ``isNewChat``.
  Pictures appear under ``images`` (no name), PDFs under ``files``; ``url`` is informational.
* Send: ``replySign`` missing, unknown or another seller's → 400 ``Invalid signature``; text
  over 1000 characters, or neither text nor file → 400 ``Invalid value for "message"``; a
  file that is not JPEG/PNG/PDF by its bytes → 400 ``unsupported mime type``; over 5 MiB →
  400 ``attachment too big``; over 30 MiB together → 400; any other part → 400. Stored sends
  are echoed as ``sender: seller``, ``source: seller-public-api`` events; the answer's
  ``addTime`` is the chat's creation time (not a message key), ``sign`` the replySign.
* Downloads: approved → 200 with the bytes; pending → 202 ``{"moderationState": "pending",
  "retrySeconds": 30}`` (``pending_polls`` times, then ``then``; without ``pending_polls``
  until the control API decides); refused → 451; unknown or another seller's → 400.

Control API (no auth, no budget, not counted). JSON in and out; errors ``{"error": "..."}``
with 400 or 404. ``$URL`` is the emulator; ``curl -sX POST $URL/... -d '<json>'``:

``POST /__control/sellers``
    ``{"seller_id": "s1", "name": "Shop", "token": null}`` → 201 ``{"seller_id", "token",
    "kind", "buyer_chat", "expires_at"}`` (a personal token with the chat category, 180 days).
``POST /__control/sellers/{seller_id}/tokens``
    ``{"kind": "personal"|"base", "buyer_chat": true, "expires_in": 3600, "token": null}``
    → 201 the token and its facts.
``POST /__control/sellers/{seller_id}/buyer_message``
    ``{"text": "Где заказ?", "chat_id": null, "client_name": "Алёна", "nm_id": 12345678,
    "source": "rusite", "images": [{"base64": "/9j/...", "moderation": "pending",
    "pending_polls": 1, "then": "approved"}], "files": [{"name": "Чек.pdf", "base64":
    "JVBER..."}]}`` (no ``chat_id`` opens a new chat) → 201 ``{"chat_id", "event_id",
    "reply_sign", "add_timestamp", "download_ids"}``
``POST /__control/sellers/{seller_id}/portal_reply``
    ``{"chat_id": "1:...", "text": "Ответ из портала"}`` → 201 ``{"event_id",
    "add_timestamp"}``: a ``sender: seller``, ``source: seller-portal`` event.
``GET /__control/sellers/{seller_id}/sent?chat_id=1:...``
    → ``{"sent": [{"chat_id", "event_id", "text", "files": [{"name", "content_type", "size",
    "download_id"}], "add_timestamp"}]}`` (``chat_id`` optional)
``POST /__control/files/{download_id}/moderation``
    ``{"state": "approved"|"pending"|"refused"}`` → ``{"download_id", "state"}``
``POST /__control/faults``
    ``{"kind": "accept_then_drop", "count": 1, "path": "/api/v1/seller/message",
    "seller_id": "s1", "skip": 0}``; kinds ``429``, ``500``, ``slow`` (needs ``"seconds"``),
    ``drop`` (no answer, nothing done), ``accept_then_drop`` (done, e.g. the message stored
    and echoed, then no answer), ``hold`` (done, answer withheld until
    ``POST /__control/faults/{id}/release`` or the client goes away); no ``count`` = until
    cleared → 201 the fault with ``hits``, ``holding``, ``released``.
``GET /__control/faults`` → ``{"faults": [...]}``; ``DELETE /__control/faults`` →
    ``{"cleared": 1}``
``POST /__control/clock/advance``
    ``{"seconds": 86400}`` → ``{"now": "..."}`` (expires tokens, dates events)
``POST /__control/settings``
    ``{"rate_limit": true, "events_page_size": 50, "auth_mode": "both"}`` → the settings
``GET /__control/state``
    → ``{"now", "settings", "totals", "calls", "sellers", "faults"}``
``POST /__control/reset`` → ``{"reset": true}``: empty world, clock, faults, calls, budgets.
"""

from .faults import FaultKind
from .models import Moderation, SentRecord
from .problems import ApiProblem
from .server import WildberriesEmulator
from .state import UnknownChatError, UnknownSellerError, Upload, WbState
from .tokens import TokenKind

__all__ = [
    "ApiProblem",
    "FaultKind",
    "Moderation",
    "SentRecord",
    "TokenKind",
    "UnknownChatError",
    "UnknownSellerError",
    "Upload",
    "WbState",
    "WildberriesEmulator",
]
