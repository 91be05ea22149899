"""Local emulator of Yandex Market's chat API (offline demo, tests, benchmarks).

Wire formats follow ``shared/reference/yandex-market-chat-api.md`` and Yandex's OpenAPI
(vendored in ``spec/``); every API request is checked against ``spec/ym-chat.json``. In
process::

    from sandbox.yandex_market import YandexMarketEmulator

    async with YandexMarketEmulator() as emu:
        emu.state.add_business(5123456, name="Shop", campaign_ids=[21784512])
        key = emu.state.issue_key([5123456], scopes=["COMMUNICATION"]).token
        first = emu.state.buyer_writes(5123456, text="Здравствуйте!", context_type="ORDER")
        ...  # YandexMarketClient(base_url=emu.base_url).for_seller(key, 5123456)
        emu.state.sent_by_partner(5123456, first.chat_id)  # what we sent
        emu.calls[("5123456", "/chats/history")]  # API calls received

Standalone: ``python -m sandbox.yandex_market --port 8085 [--host 127.0.0.1]
[--demo-seller] [--no-rate-limit] [--push-url URL]``; ``--demo-seller`` creates cabinet
5123456 (store 21784512) with the key ``ACMA:demo-ym-key:0000`` (COMMUNICATION scope).

API (header ``Api-Key: <key>``, no ``Bearer``), all under ``/v2/businesses/{businessId}``:
``POST /chats``, ``GET /chat``, ``POST /chats/history``, ``GET /chats/message``,
``POST /chats/message``, ``POST /chats/file/send``, ``POST /chats/new``; and
``POST /v2/auth/token``, ``GET /v2/campaigns``. Buyer files: ``GET /files/{id}`` (the
``payload[].url``; with the key). Answers: ``{"status": "OK", "result": …}``; errors
``{"status": "ERROR", "errors": [{"code", "message"}]}``.

Rules the emulator applies (choices where the reference leaves one are named):

* Keys: missing → 401 ``Credentials are not specified``; ``Bearer …``/``OAuth …`` → 401
  ``Api-Key token prefix invalid``; unknown → 401 ``Api-Key token is invalid``; without a
  chat scope (COMMUNICATION, ALL_METHODS, ALL_METHODS_READ_ONLY) → 403 ``Token does not have
  any of the scopes…``; read-only on a send or ``chats/new`` → 403; a cabinet the key does
  not reach → 403 ``Access denied…``.
* Limits (emulated clock): hourly buckets per cabinet and method (list 5,000, history
  10,000, chat and message 1,000, sends 1,000 each, token 100, campaigns 1,000) with
  ``X-RateLimit-Resource-Limit/-Remaining/-Until`` on every answer; a spent bucket → 420;
  a fifth request in flight for a cabinet → 420 ``Hit rate limit of 4 parallel requests for
  businessId N``. 4xx answers spend a unit. Order: key, faults, in-flight, bucket, spec
  check (400), scopes (403), method.
* Spec: an undeclared or non-integer query parameter, a missing ``chatId``, a missing JSON
  body on ``POST /chats`` or ``/chats/history``, a body breaking the schema → 400; ``limit``
  above 20 (chats) or 100 (history) → 400 ``LIMIT_EXCEEDED`` "Limit exceeded"; any path not
  in the spec → 404.
* Paging: ``page_token``/``pageToken`` is opaque base64; ``paging.nextPageToken`` is absent
  on the last page. Chats newest ``updatedAt`` first; history oldest first, from
  ``messageIdFrom`` **inclusive** (``history_from_inclusive``).
* Chats: DIRECT (no order, no store), ORDER and RETURN (``campaignId``, ``orderId``, and
  ``returnId`` for returns), ``customer {name, publicId}``. Arbitration turns a chat into
  ``ARBITRAGE`` / ``WAITING_FOR_ARBITER`` with a MARKET message; finishing it posts another
  and sets ``FINISHED``. A send into a ``FINISHED`` chat → 400 ``CHAT_FINISHED``.
* Sends: text 1..4096 (schema) → ``{"status": "OK"}`` and a PARTNER message; a file (part
  ``file``, one per call, ≤ 5,000,000 bytes, else 400). ``chats/new`` returns the existing
  chat for the same order or return; DIRECT → 400.
* Times are Moscow time with the offset and milliseconds; ``updatedAt`` is the time of the
  chat's last message.

Push simulator (``push.py``): per cabinet URL; ``CHAT_CREATED``, ``CHAT_MESSAGE_SENT``
(``messageId`` a string; none for our own PARTNER messages unless ``notify_partner``),
``CHAT_ARBITRAGE_STARTED/FINISHED`` and ``PING``; answer must be 200 ``{version, name,
time}`` within 10 s (PING 1 s); retried on 5xx/timeouts (time-compressed), never on 400;
``duplicates`` extra copies of each; ``hold_order`` + release sends held ones newest first.

Control API (no auth, not counted), JSON in and out, errors ``{"error"}`` 400/404:

``POST /__control/businesses`` ``{"business_id": 5123456, "name": "Shop", "campaign_ids":
[21784512]}`` → 201; ``POST /__control/keys`` ``{"business_ids": [5123456], "scopes":
["COMMUNICATION"], "token": null}`` → 201 ``{"token", "scopes", "business_ids"}``;
``POST /__control/businesses/{id}/buyer_message`` ``{"text", "chat_id": null,
"context_type": "ORDER"|"RETURN"|"DIRECT", "order_id", "return_id", "customer_name",
"files": [{"name", "base64", "content_type", "refused": false}]}`` → 201 ``{"chat_id",
"message_id", "created_at"}``; ``…/market_message`` ``{"chat_id", "text", "sender":
"MARKET"|"SUPPORT"}``; ``…/cabinet_reply`` ``{"chat_id", "text"}`` (a PARTNER message typed
in the cabinet); ``…/arbitrage`` ``{"chat_id", "finished": false}``; ``…/status``
``{"chat_id", "status"}``; ``GET …/sent?chat_id=`` → ``{"sent": [...]}``;
``POST /__control/faults`` ``{"kind": "420"|"500"|"slow"|"drop"|"accept_then_drop"|"hold",
"count", "path": "/chats/message", "business_id", "skip", "seconds"}``,
``GET``/``DELETE /__control/faults``, ``POST /__control/faults/{id}/release``;
``POST /__control/push`` ``{"business_id", "url", "duplicates", "hold_order",
"notify_partner", "retry_delays"}``, ``POST /__control/push/ping`` ``{"business_id"}``,
``POST /__control/push/release``, ``GET /__control/push/deliveries``;
``POST /__control/clock/advance`` ``{"seconds"}``; ``POST /__control/settings``
``{"rate_limit", "history_from_inclusive", "hourly_limits": {"getChatMessage": 5}}``;
``GET /__control/state``; ``POST /__control/reset``.
"""

from .push import PushSimulator
from .server import YandexMarketEmulator
from .state import ApiFailure, Upload, YmState

__all__ = ["ApiFailure", "PushSimulator", "Upload", "YandexMarketEmulator", "YmState"]
