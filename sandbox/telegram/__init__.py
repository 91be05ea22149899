"""Local, stateful emulator of the Telegram Bot API (offline demo, end-to-end tests, benchmarks).

The real bot reaches it exactly as it reaches Telegram, through aiogram's
``AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url))``. Wire facts follow
``shared/reference/telegram-bot-api.md``; the budget and error strings follow
``docs/telegram-contract.md``; every call is validated against the Bot API spec vendored in
``spec/api.json`` (Bot API 10.1). Spec violations answer 400 like Telegram *and* are appended
to ``emulator.violations`` so a test can end with ``assert tg.violations == []``.

In process::

    from sandbox.telegram import TelegramEmulator

    async with TelegramEmulator(group_limit=(20, 60.0), global_limit=(30, 1.0)) as tg:
        bot_user = tg.create_bot(token="123456:TEST-token-abcdefghijklmnopqrstuvwxyz",
                                 username="agentiq_test_bot")
        anna = tg.create_user(first_name="Анна", username="anna")
        group = tg.create_group(title="Поддержка", is_forum=True, members=[anna.id],
                                admins=[anna.id], bot_rights={"can_manage_topics": True})
        bot = Bot(bot_user.token, session=AiohttpSession(
            api=TelegramAPIServer.from_base(tg.base_url)))
        topic = await bot.create_forum_topic(group.id, "Заказ 123")
        tg.user_sends(anna.id, group.id, text="Ответ", thread_id=topic.message_thread_id)
        assert tg.bot_messages(group.id, topic.message_thread_id) == []
        assert tg.violations == []

Standalone: ``python -m sandbox.telegram --port 8082 [--host 127.0.0.1] [--token T
[--demo-group]] [--group-limit 20/60] [--global-limit 30/1]``.

Bot API: ``POST|GET /bot<token>/<method>`` (urlencoded, multipart or JSON) and
``GET /file/bot<token>/<file_path>``. Implemented methods: getMe, logOut, close, getUpdates,
setWebhook, deleteWebhook, getWebhookInfo, setMyCommands, getMyCommands, deleteMyCommands,
setMyDescription, getMyDescription, setMyShortDescription, getMyShortDescription, setMyName,
getMyName, sendMessage, sendPhoto, sendDocument, sendMediaGroup, copyMessage, forwardMessage,
editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage, deleteMessages,
pinChatMessage, unpinChatMessage, answerCallbackQuery, setMessageReaction, getFile, getChat,
getChatMember, getChatAdministrators, getChatMemberCount, leaveChat, createForumTopic,
editForumTopic, closeForumTopic, reopenForumTopic, deleteForumTopic,
getForumTopicIconStickers, unpinAllForumTopicMessages, sendChatAction. Any other spec method
answers 400 ``Bad Request: method not supported by the emulator`` (a violation); a name not
in the spec answers 404 ``Not Found`` (a violation).

Emulator rules the references leave open:

* One bot per emulator (start another emulator for a second bot). The bot sees every group
  message (as an admin or with privacy mode off); it never receives its own messages except
  the forum-topic service messages (created/edited/closed/reopened), as on Telegram.
* ``Message.text``/``caption`` keep the text as sent (HTML markup included, no
  ``entities``); HTML is validated and limits are measured on the parsed text.
* Messages in a topic carry ``reply_to_message`` = the topic's creation message, as Telegram
  does. Replying without ``message_thread_id`` posts into the replied message's topic.
* Flood budgets are sliding windows (a unit frees ``window`` seconds after it was spent);
  only successful calls spend units; ``forwardMessage`` counts like a send. The global budget
  counts the same methods in every chat, private ones included.
* Editing text/caption without ``reply_markup`` removes the inline keyboard (as Telegram).
* A callback query expires ``callback_timeout`` seconds (default 15) after the press.
* ``create_group`` queues no update (the world as it was before the bot started);
  ``set_bot_rights``, ``add_bot``, ``remove_bot`` (kick) and ``leaveChat`` queue
  ``my_chat_member``. A second concurrent getUpdates terminates the waiting one with 409.
* Webhooks (``setWebhook`` with ``secret_token``): while one is set getUpdates answers 409;
  pending updates are POSTed to the URL one at a time, in order, with the
  ``X-Telegram-Bot-Api-Secret-Token`` header, and only a 2xx answer drops one (anything else
  is retried every 0.3 s). Plain ``http://`` and any port are accepted on loopback only.
  ``emulator.hold_next_delivery()`` holds the next delivery's outcome; releasing it with
  ``lost=True`` makes the answer count as never received (see ``webhook.py``).
* Rights errors the contract does not name: editing/closing someone else's topic without
  can_manage_topics → ``Bad Request: CHAT_ADMIN_REQUIRED``; deleteForumTopic without
  can_delete_messages → ``Bad Request: not enough rights to delete a topic``.

Control API (no auth, no budget, not in ``calls``). JSON in and out; errors are
``{"error": "..."}`` with 400. Examples with ``curl -sX POST $URL/... -d '<json>'``:

``POST /__control/bots``
    ``{"token": "123456:TEST-token-abcdefghijklmnopqrstuvwxyz", "username": "demo_bot"}``
    → 201 the bot's ``User``.
``POST /__control/users``
    ``{"first_name": "Анна", "username": "anna", "last_name": null, "language_code": "ru"}``
    → 201 ``User`` (``id`` included).
``POST /__control/groups``
    ``{"title": "Поддержка", "is_forum": true, "members": [5000000001], "admins":
    [5000000001], "bot_rights": {"can_manage_topics": true}, "bot_member": true,
    "supergroup": true}`` → 201 ``Chat`` (``id`` like ``-1002000000001``).
``POST /__control/messages``
    ``{"user_id": 5000000001, "chat_id": -1002000000001, "text": "Ответ", "thread_id": 7,
    "reply_to": null}``; a photo: ``"photo_base64": "..."`` (+ ``"caption"``); a document:
    ``"document_base64": "...", "document_name": "a.pdf"``; ``"anonymous_admin": true``
    instead of ``user_id`` posts as the group; ``chat_id`` = ``user_id`` is the private chat
    with the bot → 201 the ``Message`` (also queued as an update).
``POST /__control/edits``
    ``{"user_id": 5000000001, "chat_id": -1002000000001, "message_id": 9, "text": "new"}``
    → the edited ``Message`` (queued as ``edited_message``).
``POST /__control/button_presses``
    ``{"user_id": 5000000001, "chat_id": -1002000000001, "message_id": 9, "callback_data":
    "send:42"}`` → 201 ``{"query_id": "..."}`` (queued as ``callback_query``).
``GET /__control/callback_answers/{query_id}``
    → ``{"answer": {"text": "Отправлено", "show_alert": false, "url": null, "cache_time": 0}}``
    or ``{"answer": null}``.
``GET /__control/chats/{chat_id}/topics``
    → ``{"topics": [{"chat_id", "thread_id", "name", "icon_color", "icon_custom_emoji_id",
    "creator_id", "closed", "deleted"}]}``
``POST /__control/chats/{chat_id}/topics/{thread_id}/delete`` (also ``/close``, ``/reopen``)
    → ``{"topics": [...]}``; done by a human admin, no bot budget.
``GET /__control/chats/{chat_id}/messages?thread_id=7&from=bot``
    → ``{"messages": [...]}`` (``from=bot``: only the bot's, with ``reactions`` and
    ``edit_history``; both query parameters optional).
``POST /__control/chats/{chat_id}/bot_rights``
    ``{"rights": {"can_manage_topics": true}}`` (``null`` demotes) → the ``my_chat_member``.
``POST /__control/chats/{chat_id}/add_bot`` ``{"rights": null}``;
``POST /__control/chats/{chat_id}/remove_bot`` → the ``my_chat_member`` payload.
``POST /__control/chats/{chat_id}/migrate`` → ``{"new_chat_id": -1002000000002}``
``GET /__control/chats/{chat_id}/units`` → ``{"chat_id", "units": 5, "log": [{"time",
"method"}]}``
``GET /__control/calls`` → ``{"calls": [{"method": "sendMessage", "params": {...}}]}``
``GET /__control/violations`` → ``{"violations": ["sendMessage: unknown parameter ..."]}``
``POST /__control/errors``
    ``{"method": "sendMessage", "description": "Too Many Requests: retry after 5",
    "error_code": 429, "count": 3, "retry_after": 5}`` → 201; ``GET`` lists,
    ``DELETE`` clears → ``{"cleared": 1}``.
``POST /__control/faults``
    ``{"kind": "hold", "method": "createForumTopic", "count": 1, "skip": 0, "chat_id": null,
    "thread_id": null, "contains": null}`` → 201 the fault (``id``, ``hits``, ``holding``,
    ``released``). Kinds: ``accept_then_drop`` (the call takes effect, the connection is closed
    without an answer), ``hold`` (takes effect, the answer waits for ``release`` or the
    client's disconnect), ``fail_mid_upload`` (sendPhoto/sendDocument/sendMediaGroup: dropped
    while the body is read, nothing posted), ``refuse_photo`` (sendPhoto: 400
    ``IMAGE_PROCESS_FAILED``). ``method`` may be ``"sendPhoto|sendMessage"``; ``"*"`` is any
    but getUpdates/getMe; ``skip`` lets that many matching calls pass first; ``"count":
    null`` hits until cleared. ``GET`` lists; ``DELETE`` clears (releasing held calls);
    ``POST /__control/faults/{id}/release`` answers the held calls.
``POST /__control/updates/gate`` ``{"confirm": true}``
    → 201: after the next non-empty batch is delivered, the following getUpdates (the
    confirmation; its offset applied first when ``confirm``) is held until
    ``DELETE /__control/updates/gate`` or a newer getUpdates. ``GET`` → ``{"gate": {"batch":
    [update ids], "offset", "holding", "released", "done"}}``.
``POST /__control/settings`` ``{"refuse_unreadable_photos": true}``
    → uploaded photos in no known image format answer ``IMAGE_PROCESS_FAILED``.
``GET /__control/webhook`` → ``{"webhook": getWebhookInfo's result or null, "answers":
[{"update_id", "status"}]}`` (``status`` null: no answer).
``GET /__control/state`` → bot, users, chats, pending updates, call/violation counts.
"""

from .errors import BotApiError
from .faults import CallFault, FaultKind, InjectedError
from .models import CallbackQuery, Chat, Member, MemberStatus, Topic, Upload, User
from .server import TelegramEmulator
from .spec import ApiSpec, load_spec
from .state import TelegramState
from .updates import UpdatesGate

__all__ = [
    "ApiSpec",
    "BotApiError",
    "CallFault",
    "CallbackQuery",
    "Chat",
    "FaultKind",
    "InjectedError",
    "Member",
    "MemberStatus",
    "TelegramEmulator",
    "TelegramState",
    "Topic",
    "UpdatesGate",
    "Upload",
    "User",
    "load_spec",
]
