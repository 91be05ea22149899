"""The Bot API methods the emulator implements, over :class:`TelegramState`.

:meth:`BotApi.handle` is the single entry point for a call (HTTP or in-process): check the
token, find the method in the spec, decode and validate the parameters, apply scripted
faults, charge the flood budget, run. Handlers validate everything before they change state
and charge the budget just before the change, so a failed call costs nothing and changes
nothing. Failures caused by spec violations are appended to ``violations``.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from . import errors
from .errors import BotApiError, bad_request, spec_violation
from .faults import IMAGE_PROCESS_FAILED, CallFault, FaultPlan
from .limits import RateLimits
from .models import Chat, MemberStatus, StoredFile, StoredMessage, Topic, Upload
from .state import TOPIC_ICON_EMOJI, TelegramState
from .validation import ATTACH_PREFIX, check_text, decode_params
from .webhook import Webhook

log = logging.getLogger("sandbox.telegram")

Handler = Callable[[dict[str, Any], dict[str, Upload]], Any]
TEXT_LIMIT = (1, 4096)
CAPTION_LIMIT = (0, 1024)
#: Parameters that exist in the spec but whose feature the emulator does not model.
UNMODELLED_PARAMS = frozenset(
    {"business_connection_id", "direct_messages_topic_id", "suggested_post_parameters"}
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
NO_ADMIN_RIGHTS = "Bad Request: CHAT_ADMIN_REQUIRED"


#: Leading bytes of the image formats Telegram takes as a photo.
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


def _is_image(photo: Any, uploads: dict[str, Upload]) -> bool:
    """Whether a new upload looks like an image; a file_id or URL is taken on trust."""
    upload = photo if isinstance(photo, Upload) else None
    if isinstance(photo, str) and photo.startswith(ATTACH_PREFIX):
        upload = uploads.get(photo.removeprefix(ATTACH_PREFIX))
    if upload is None:
        return True
    data = upload.data
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return True
    return data.startswith(IMAGE_SIGNATURES)


class BotApi:
    """Runs Bot API calls against the state; shares ``calls``/``violations`` with the emulator."""

    def __init__(
        self,
        state: TelegramState,
        limits: RateLimits,
        faults: FaultPlan,
        calls: list[tuple[str, dict[str, Any]]],
        violations: list[str],
    ) -> None:
        self.state = state
        self.spec = state.spec
        self.limits = limits
        self.faults = faults
        self.calls = calls
        self.violations = violations
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "logOut": self.accept,
            "close": self.accept,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.profile_setter("description"),
            "getMyDescription": self.profile_getter("description"),
            "setMyShortDescription": self.profile_setter("short_description"),
            "getMyShortDescription": self.profile_getter("short_description"),
            "setMyName": self.profile_setter("name"),
            "getMyName": self.profile_getter("name"),
            "sendMessage": self.send_message,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendMediaGroup": self.send_media_group,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "deleteMessages": self.delete_messages,
            "pinChatMessage": self.pin_chat_message,
            "unpinChatMessage": self.unpin_chat_message,
            "answerCallbackQuery": self.answer_callback_query,
            "setMessageReaction": self.set_message_reaction,
            "getFile": self.get_file,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "getChatAdministrators": self.get_chat_administrators,
            "getChatMemberCount": self.get_chat_member_count,
            "leaveChat": self.leave_chat,
            "createForumTopic": self.create_forum_topic,
            "editForumTopic": self.edit_forum_topic,
            "closeForumTopic": self.topic_state_changer(close=True),
            "reopenForumTopic": self.topic_state_changer(close=False),
            "deleteForumTopic": self.delete_forum_topic,
            "getForumTopicIconStickers": self.get_forum_topic_icon_stickers,
            "unpinAllForumTopicMessages": self.unpin_all_forum_topic_messages,
            "sendChatAction": self.send_chat_action,
        }

    # ------------------------------------------------------------------ entry point

    async def handle(
        self, token: str, method_name: str, raw: Mapping[str, Any], *, typed: bool = False
    ) -> Any:
        """Run one call; raises :class:`BotApiError` with the answer Telegram would give."""
        result, _ = await self.call(token, method_name, raw, typed=typed, transport=False)
        return result

    async def call(
        self,
        token: str,
        method_name: str,
        raw: Mapping[str, Any],
        *,
        typed: bool = False,
        transport: bool = True,
    ) -> tuple[Any, CallFault | None]:
        """:meth:`handle`, plus the ``hold`` / ``accept_then_drop`` fault (only taken when
        ``transport``) the HTTP layer must apply to the answer of this accepted call."""
        bot = self.state.bot
        if bot is None or token != bot.token:
            raise BotApiError(errors.UNAUTHORIZED, 401)
        method = self.spec.method(method_name)
        if method is None:
            self._violation(f"{method_name}: no such method in the Bot API spec")
            self.calls.append((method_name, dict(raw)))
            raise BotApiError(errors.NOT_FOUND, 404)
        recorded = False
        try:
            params, uploads = decode_params(self.spec, method, raw, typed=typed)
            self.calls.append((method.name, params))
            recorded = True
            handler = self.handlers.get(method.name)
            if handler is None:
                raise spec_violation(
                    f"{method.name}: method not supported by the emulator", errors.NOT_SUPPORTED
                )
            for name in UNMODELLED_PARAMS & params.keys():
                raise spec_violation(
                    f"{method.name}: parameter {name!r} is not supported by the emulator",
                    f"Bad Request: parameter {name} is not supported by the emulator",
                )
            fault = self.faults.take(method.name) or self.faults.take_refusal(method.name, params)
            if fault is not None:
                raise fault
            result = handler(params, uploads)
            if inspect.isawaitable(result):
                result = await result
        except BotApiError as error:
            if error.violation:
                self._violation(error.violation)
            if not recorded:
                self.calls.append((method.name, dict(raw)))
            raise
        after = self.faults.take_after(method.name, params) if transport else None
        return result, after

    def _violation(self, what: str) -> None:
        log.warning("Bot API violation: %s", what)
        self.violations.append(what)

    # ------------------------------------------------------------------ helpers

    def _chat(self, chat_id: int | str) -> Chat:
        """The chat a call addresses, as the bot may access it (else Telegram's error)."""
        if isinstance(chat_id, str):
            if not re.fullmatch(r"-?\d+", chat_id):
                raise BotApiError(errors.CHAT_NOT_FOUND)  # no chat in the emulator is public
            chat_id = int(chat_id)
        chat = self.state.chats.get(chat_id)
        if chat is None:
            if chat_id in self.state.users:
                raise BotApiError(errors.CANT_INITIATE, 403)
            raise BotApiError(errors.CHAT_NOT_FOUND)
        if chat.migrated_to is not None:
            raise BotApiError(errors.MIGRATED, migrate_to_chat_id=chat.migrated_to)
        if chat.type != "private":
            member = self.state.bot_member(chat)
            if not member.present:
                kicked = member.status is MemberStatus.KICKED
                if chat.type == "group":
                    raise BotApiError(
                        errors.KICKED_GROUP if kicked else errors.NOT_MEMBER_GROUP, 403
                    )
                raise BotApiError(errors.KICKED if kicked else errors.NOT_MEMBER, 403)
        return chat

    def _bot_can(self, chat: Chat, right: str) -> bool:
        if chat.type == "private":
            return True
        return self.state.bot_member(chat).can(right)

    def _budget(self, chat: Chat, method: str, units: int = 1) -> None:
        """Check and spend flood budget: call right before the state changes."""
        if not self.limits.counted(method):
            return
        self.limits.check(chat.id, units)
        self.limits.charge(chat.id, method, units)

    def _message(self, chat: Chat, message_id: int | None, missing: str) -> StoredMessage:
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise BotApiError(missing)
        return message

    def _reply_target(self, chat: Chat, params: dict[str, Any]) -> tuple[int | None, int | None]:
        """``(reply_to message id, thread it implies)`` from ``reply_parameters``."""
        reply = params.get("reply_parameters")
        if not reply:
            return None, None
        if reply.get("chat_id") not in (None, chat.id):
            raise spec_violation(
                "reply_parameters.chat_id to another chat is not supported by the emulator"
            )
        target = chat.messages.get(reply["message_id"])
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None, None
            raise BotApiError(errors.REPLY_NOT_FOUND)
        return target.message_id, target.thread_id

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The inline keyboard echoed in ``Message.reply_markup`` (other kinds are not)."""
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            return markup
        return None

    def _send(
        self, method: str, params: dict[str, Any], content: dict[str, Any], units: int = 1
    ) -> dict[str, Any]:
        """Common tail of every send: chat, topic, reply, budget, store."""
        chat = self._chat(params["chat_id"])
        reply_to, reply_thread = self._reply_target(chat, params)
        thread_id = params.get("message_thread_id")
        if thread_id is None and chat.is_forum:
            thread_id = reply_thread
        topic = self.state.topic_for_post(chat, thread_id)
        markup = self._markup(params)
        if markup is not None:
            content["reply_markup"] = markup
        self._budget(chat, method, units)
        bot = self.state.require_bot()
        message = self.state.post(
            chat,
            bot.id,
            content,
            thread_id=topic.thread_id if topic else None,
            reply_to=reply_to,
        )
        return self.state.render(message)

    def _input_file(self, value: Any, uploads: dict[str, Upload], kind: str) -> StoredFile:
        """Resolve an InputFile-or-String parameter to a stored file."""
        if isinstance(value, Upload):
            return self.state.store_file(value.data, kind, value.filename)
        if isinstance(value, str) and value.startswith(ATTACH_PREFIX):
            upload = uploads[value[len(ATTACH_PREFIX) :]]
            return self.state.store_file(upload.data, kind, upload.filename)
        if isinstance(value, str) and value in self.state.files:
            return self.state.files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            raise BotApiError(errors.URL_CONTENT)  # the emulator has no network
        raise BotApiError(errors.WRONG_FILE)

    def _topic(self, chat: Chat, thread_id: int) -> Topic:
        if not chat.is_forum:
            raise BotApiError(errors.NOT_A_FORUM)
        topic = chat.topics.get(thread_id)
        if topic is None or topic.deleted:
            raise BotApiError(errors.THREAD_NOT_FOUND)
        return topic

    def _topic_service(self, chat: Chat, topic: Topic, payload: dict[str, Any]) -> None:
        """Post a topic service message; the bot receives these as ``message`` updates."""
        bot = self.state.require_bot()
        self.state.post(chat, bot.id, payload, thread_id=topic.thread_id, deliver=True)

    # ------------------------------------------------------------------ bot & updates

    def accept(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        return True

    def get_me(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        data = self.state.require_bot().to_dict()
        data.update(
            can_join_groups=True,
            can_read_all_group_messages=True,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return data

    async def get_updates(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        limit = params.get("limit", 100)
        if not 1 <= limit <= 100:
            raise spec_violation(f"getUpdates: limit {limit} is outside 1-100")
        timeout = params.get("timeout", 0)
        if timeout < 0:
            raise spec_violation(f"getUpdates: negative timeout {timeout}")
        allowed = params.get("allowed_updates")
        self._check_update_types("getUpdates", allowed)
        if self.state.webhooks.webhook is not None:
            raise BotApiError(errors.CONFLICT_WEBHOOK, 409)
        self.state.updates.set_allowed(allowed)
        return await self.state.updates.get(params.get("offset"), limit, timeout)

    def _check_update_types(self, method: str, allowed: list[str] | None) -> None:
        if allowed is not None:
            known = set(self.spec.types["Update"].fields) - {"update_id"}
            unknown = sorted(set(allowed) - known)
            if unknown:
                raise spec_violation(f"{method}: unknown update types {unknown}")

    def set_webhook(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        """Telegram's checks, except that plain http and any port are allowed on loopback
        (tests have no certificate); an empty ``url`` removes the webhook."""
        url = params["url"]
        if "certificate" in params or "ip_address" in params:
            raise spec_violation("setWebhook: certificate/ip_address are not modelled")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise BotApiError(errors.BAD_WEBHOOK_SECRET)
        max_connections = params.get("max_connections", 40)
        if not 1 <= max_connections <= 100:
            raise spec_violation(f"setWebhook: max_connections {max_connections} is outside 1-100")
        allowed = params.get("allowed_updates")
        self._check_update_types("setWebhook", allowed)
        if url == "":
            self.state.webhooks.set(None)
            return True
        parsed = urlsplit(url)
        loopback = parsed.hostname in ("127.0.0.1", "localhost", "::1")
        if parsed.scheme != "https" and not (loopback and parsed.scheme == "http"):
            raise BotApiError(errors.BAD_WEBHOOK_HTTPS)
        if not loopback and (parsed.port or 443) not in (80, 88, 443, 8443):
            raise BotApiError(errors.BAD_WEBHOOK_PORT)
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        self.state.updates.set_allowed(allowed)
        self.state.webhooks.set(
            Webhook(
                url=url,
                secret_token=secret,
                max_connections=max_connections,
                allowed_updates=allowed,
            )
        )
        return True

    def delete_webhook(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        if params.get("drop_pending_updates"):
            self.state.updates.clear()
        self.state.webhooks.set(None)
        return True

    def get_webhook_info(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        pending = len(self.state.updates.pending)
        webhook = self.state.webhooks.webhook
        if webhook is None:
            return {"url": "", "has_custom_certificate": False, "pending_update_count": pending}
        return webhook.info(pending)

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        items = ",".join(f"{key}={scope[key]}" for key in sorted(scope))
        return f"{items}|{params.get('language_code', '')}"

    def set_my_commands(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise spec_violation("setMyCommands: more than 100 commands")
        for command in commands:
            if not _COMMAND.fullmatch(command["command"]):
                raise spec_violation(
                    f"setMyCommands: invalid command {command['command']!r}",
                    "Bad Request: BOT_COMMAND_INVALID",
                )
        self.state.commands[self._commands_key(params)] = [dict(c) for c in commands]
        return True

    def get_my_commands(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        return [dict(c) for c in self.state.commands.get(self._commands_key(params), [])]

    def delete_my_commands(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        self.state.commands.pop(self._commands_key(params), None)
        return True

    def profile_setter(self, field: str) -> Handler:
        def setter(params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
            key = f"{field}|{params.get('language_code', '')}"
            value = params.get(field)
            if value:
                self.state.profile[key] = value
            else:
                self.state.profile.pop(key, None)
            return True

        return setter

    def profile_getter(self, field: str) -> Handler:
        def getter(params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, str]:
            key = f"{field}|{params.get('language_code', '')}"
            default = self.state.require_bot().first_name if field == "name" else ""
            return {field: self.state.profile.get(key, default)}

        return getter

    # ------------------------------------------------------------------ sending

    def send_message(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        text = params["text"]
        check_text("sendMessage", "text", text, params.get("parse_mode"), low=1, high=4096)
        return self._send("sendMessage", params, {"text": text})

    def _caption(self, method: str, params: dict[str, Any], content: dict[str, Any]) -> None:
        caption = params.get("caption")
        check_text(method, "caption", caption, params.get("parse_mode"), low=0, high=1024)
        if caption:
            content["caption"] = caption

    def send_photo(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        content: dict[str, Any] = {}
        self._caption("sendPhoto", params, content)
        self._chat(params["chat_id"])  # access errors before touching files
        if self.faults.refuse_unreadable_photos and not _is_image(params["photo"], uploads):
            raise BotApiError(IMAGE_PROCESS_FAILED)
        stored = self._input_file(params["photo"], uploads, "photo")
        content = {"photo": self.state.photo_sizes(stored), **content}
        return self._send("sendPhoto", params, content)

    def send_document(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        content: dict[str, Any] = {}
        self._caption("sendDocument", params, content)
        self._chat(params["chat_id"])
        stored = self._input_file(params["document"], uploads, "document")
        content = {"document": self.state.document(stored), **content}
        return self._send("sendDocument", params, content)

    def send_media_group(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        media = params["media"]
        if not 2 <= len(media) <= 10:
            raise spec_violation(
                f"sendMediaGroup: {len(media)} items, allowed 2-10",
                "Bad Request: MEDIA_GROUP_INVALID" if media else "Bad Request: media is empty",
            )
        kinds = {item["type"] for item in media}
        if not kinds <= {"photo", "document"}:
            raise spec_violation(
                f"sendMediaGroup: item types {sorted(kinds)} not supported by the emulator",
                "Bad Request: media type not supported by the emulator",
            )
        if len(kinds) > 1:
            raise spec_violation(
                "sendMediaGroup: documents can only be grouped with documents",
                "Bad Request: Document can't be mixed with other media types",
            )
        for item in media:
            check_text(
                "sendMediaGroup",
                "caption",
                item.get("caption"),
                item.get("parse_mode"),
                low=0,
                high=1024,
            )
        chat = self._chat(params["chat_id"])
        reply_to, reply_thread = self._reply_target(chat, params)
        thread_id = params.get("message_thread_id")
        if thread_id is None and chat.is_forum:
            thread_id = reply_thread
        topic = self.state.topic_for_post(chat, thread_id)
        files = [self._input_file(item["media"], uploads, item["type"]) for item in media]
        self._budget(chat, "sendMediaGroup", len(media))
        group_id = self.state.new_media_group_id()
        bot = self.state.require_bot()
        result = []
        for item, stored in zip(media, files, strict=True):
            if item["type"] == "photo":
                content: dict[str, Any] = {"photo": self.state.photo_sizes(stored)}
            else:
                content = {"document": self.state.document(stored)}
            if item.get("caption"):
                content["caption"] = item["caption"]
            message = self.state.post(
                chat,
                bot.id,
                content,
                thread_id=topic.thread_id if topic else None,
                reply_to=reply_to,
                media_group_id=group_id,
            )
            result.append(self.state.render(message))
        return result

    def _source(self, params: dict[str, Any], missing: str) -> StoredMessage:
        source_chat = self._chat(params["from_chat_id"])
        return self._message(source_chat, params["message_id"], missing)

    def copy_message(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, int]:
        source = self._source(params, errors.COPY_NOT_FOUND)
        if source.is_service:
            raise BotApiError(errors.CANT_COPY)
        content = {
            key: value
            for key, value in source.snapshot().items()
            if key in {"text", "photo", "document", "caption"}
        }
        if "caption" in params:
            if "text" in content:
                raise bad_request("message has no caption to replace")
            check_text(
                "copyMessage",
                "caption",
                params["caption"],
                params.get("parse_mode"),
                low=0,
                high=1024,
            )
            content["caption"] = params["caption"]
        message = self._send("copyMessage", params, content)
        return {"message_id": message["message_id"]}

    def forward_message(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        source = self._source(params, errors.FORWARD_NOT_FOUND)
        if source.is_service:
            raise bad_request("message can't be forwarded")
        content = {
            key: value
            for key, value in source.snapshot().items()
            if key in {"text", "photo", "document", "caption"}
        }
        chat = self._chat(params["chat_id"])
        topic = self.state.topic_for_post(chat, params.get("message_thread_id"))
        self._budget(chat, "sendMessage")  # a forward is a sent message for flood control
        if source.sender_id is None:
            source_chat = self.state.chats[source.chat_id]
            origin = {
                "type": "chat",
                "date": source.date,
                "sender_chat": source_chat.to_dict(self.state.users),
            }
        else:
            origin = {
                "type": "user",
                "date": source.date,
                "sender_user": self.state.users[source.sender_id].to_dict(),
            }
        message = self.state.post(
            chat,
            self.state.require_bot().id,
            content,
            thread_id=topic.thread_id if topic else None,
            forward_origin=origin,
        )
        return self.state.render(message)

    # ------------------------------------------------------------------ editing

    def _editable(self, params: dict[str, Any], method: str) -> tuple[Chat, StoredMessage]:
        if "inline_message_id" in params:
            raise spec_violation(
                f"{method}: inline messages are not supported by the emulator",
                "Bad Request: inline messages are not supported by the emulator",
            )
        if "chat_id" not in params or "message_id" not in params:
            raise spec_violation(
                f"{method}: chat_id and message_id are required without inline_message_id",
                "Bad Request: message identifier is not specified",
            )
        chat = self._chat(params["chat_id"])
        message = self._message(chat, params["message_id"], errors.EDIT_NOT_FOUND)
        if message.sender_id != self.state.require_bot().id or message.is_service:
            raise BotApiError(errors.CANT_EDIT)
        return chat, message

    def _apply_edit(
        self, method: str, chat: Chat, message: StoredMessage, content: dict[str, Any]
    ) -> dict[str, Any]:
        if content == message.content:
            raise BotApiError(errors.NOT_MODIFIED)
        self._budget(chat, method)
        message.history.append(message.snapshot())
        message.content = content
        message.edit_date = self.state.now()
        return self.state.render(message)

    def _with_markup(self, content: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """Edits replace the inline keyboard: omitting ``reply_markup`` removes it."""
        content.pop("reply_markup", None)
        markup = self._markup(params)
        if markup is not None:
            content["reply_markup"] = markup
        return content

    def edit_message_text(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        text = params["text"]
        check_text("editMessageText", "text", text, params.get("parse_mode"), low=1, high=4096)
        chat, message = self._editable(params, "editMessageText")
        if "text" not in message.content:
            raise BotApiError(errors.NO_TEXT_TO_EDIT)
        content = self._with_markup(message.snapshot(), params)
        content["text"] = text
        return self._apply_edit("editMessageText", chat, message, content)

    def edit_message_caption(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        check_text(
            "editMessageCaption",
            "caption",
            params.get("caption"),
            params.get("parse_mode"),
            low=0,
            high=1024,
        )
        chat, message = self._editable(params, "editMessageCaption")
        if "text" in message.content:
            raise BotApiError(errors.NO_CAPTION_TO_EDIT)
        content = self._with_markup(message.snapshot(), params)
        content.pop("caption", None)
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._apply_edit("editMessageCaption", chat, message, content)

    def edit_message_reply_markup(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        chat, message = self._editable(params, "editMessageReplyMarkup")
        content = self._with_markup(message.snapshot(), params)
        return self._apply_edit("editMessageReplyMarkup", chat, message, content)

    # ------------------------------------------------------------------ deleting & pinning

    def _delete_one(self, chat: Chat, message_id: int) -> None:
        message = self._message(chat, message_id, errors.DELETE_NOT_FOUND)
        own = message.sender_id == self.state.require_bot().id
        if "forum_topic_created" in message.content:
            raise BotApiError(errors.CANT_DELETE)
        if not own and not self._bot_can(chat, "can_delete_messages"):
            raise BotApiError(errors.CANT_DELETE)
        message.deleted = True

    def delete_message(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        chat = self._chat(params["chat_id"])
        self._delete_one(chat, params["message_id"])
        return True

    def delete_messages(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        ids = params["message_ids"]
        if not 1 <= len(ids) <= 100:
            raise spec_violation(f"deleteMessages: {len(ids)} ids, allowed 1-100")
        chat = self._chat(params["chat_id"])
        deleted = 0
        for message_id in ids:
            try:
                self._delete_one(chat, message_id)
            except BotApiError:
                continue  # Telegram skips messages it cannot find or delete
            deleted += 1
        if not deleted:
            raise BotApiError(errors.DELETE_NOT_FOUND)
        return True

    def pin_chat_message(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        chat = self._chat(params["chat_id"])
        if not self._bot_can(chat, "can_pin_messages"):
            raise BotApiError(errors.NO_RIGHTS_PIN)
        message = self._message(chat, params["message_id"], errors.PIN_NOT_FOUND)
        self._budget(chat, "pinChatMessage")
        if message.message_id in chat.pinned:
            chat.pinned.remove(message.message_id)
        chat.pinned.append(message.message_id)
        bot = self.state.require_bot()
        self.state.post(
            chat,
            bot.id,
            {"pinned_message": self.state.render(message, with_reply=False)},
            thread_id=message.thread_id,
        )
        return True

    def unpin_chat_message(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        chat = self._chat(params["chat_id"])
        if not self._bot_can(chat, "can_pin_messages"):
            raise BotApiError(errors.NO_RIGHTS_PIN)
        message_id = params.get("message_id")
        if message_id is None:
            if chat.pinned:
                chat.pinned.pop()
            return True
        if message_id not in chat.pinned:
            raise bad_request("message to unpin not found")
        chat.pinned.remove(message_id)
        return True

    def unpin_all_forum_topic_messages(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> bool:
        chat = self._chat(params["chat_id"])
        topic = self._topic(chat, params["message_thread_id"])
        if not self._bot_can(chat, "can_pin_messages"):
            raise BotApiError(errors.NO_RIGHTS_PIN)
        chat.pinned = [
            message_id
            for message_id in chat.pinned
            if chat.messages[message_id].thread_id != topic.thread_id
        ]
        return True

    # ------------------------------------------------------------------ callbacks, reactions

    def answer_callback_query(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        query = self.state.queries.get(params["callback_query_id"])
        if (
            query is None
            or query.answer is not None
            or self.state.clock() - query.created_at > self.state.callback_timeout
        ):
            raise BotApiError(errors.QUERY_TOO_OLD)
        query.answer = {
            "text": params.get("text"),
            "show_alert": bool(params.get("show_alert", False)),
            "url": params.get("url"),
            "cache_time": params.get("cache_time", 0),
        }
        return True

    def set_message_reaction(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        chat = self._chat(params["chat_id"])
        message = self._message(chat, params["message_id"], errors.REACT_NOT_FOUND)
        reactions = params.get("reaction") or []
        if len(reactions) > 1:
            raise spec_violation(
                f"setMessageReaction: {len(reactions)} reactions, a bot may set one",
                errors.REACTIONS_TOO_MUCH,
            )
        emoji = []
        for reaction in reactions:
            if reaction.get("type") != "emoji" or reaction.get("emoji") not in (
                self.spec.reaction_emoji
            ):
                raise spec_violation(
                    f"setMessageReaction: reaction {reaction} is not an allowed emoji",
                    errors.REACTION_INVALID,
                )
            emoji.append(reaction["emoji"])
        message.reactions = emoji
        return True

    # ------------------------------------------------------------------ files & chats

    def get_file(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        stored = self.state.files.get(params["file_id"])
        if stored is None:
            raise BotApiError(errors.INVALID_FILE_ID)
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def get_chat(self, params: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        data = chat.to_dict(self.state.users)
        data.update(
            accent_color_id=abs(chat.id) % 7,
            max_reaction_count=11 if chat.type != "private" else 1,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        if chat.pinned:
            data["pinned_message"] = self.state.render(chat.messages[chat.pinned[-1]])
        return data

    def get_chat_member(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        user_id = params["user_id"]
        if user_id not in self.state.users:
            raise BotApiError(errors.USER_NOT_FOUND)
        return self.state.to_chat_member(chat, user_id)

    def get_chat_administrators(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        chat = self._chat(params["chat_id"])
        if chat.type == "private":
            raise bad_request("there are no administrators in the private chat")
        return [
            self.state.to_chat_member(chat, member.user_id)
            for member in chat.members.values()
            if member.status in {MemberStatus.CREATOR, MemberStatus.ADMINISTRATOR}
        ]

    def get_chat_member_count(self, params: dict[str, Any], uploads: dict[str, Upload]) -> int:
        chat = self._chat(params["chat_id"])
        if chat.type == "private":
            return 2
        return sum(1 for member in chat.members.values() if member.present)

    def leave_chat(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        chat = self._chat(params["chat_id"])
        if chat.type == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self.state.change_bot_member(chat.id, MemberStatus.LEFT)
        return True

    def send_chat_action(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        if params["action"] not in CHAT_ACTIONS:
            raise spec_violation(
                f"sendChatAction: unknown action {params['action']!r}",
                "Bad Request: wrong parameter action in request",
            )
        self._chat(params["chat_id"])
        return True  # even for a deleted topic, as on Telegram

    # ------------------------------------------------------------------ forum topics

    def _check_icon(self, method: str, emoji_id: str | None) -> None:
        if emoji_id and emoji_id not in {emoji for emoji, _ in TOPIC_ICON_EMOJI}:
            raise spec_violation(
                f"{method}: icon_custom_emoji_id {emoji_id!r} is not one of "
                "getForumTopicIconStickers",
                "Bad Request: ICON_EMOJI_INVALID",
            )

    def create_forum_topic(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> dict[str, Any]:
        color = params.get("icon_color", self.spec.icon_colors[0])
        if color not in self.spec.icon_colors:
            raise spec_violation(
                f"createForumTopic: icon_color {color} is not one of {self.spec.icon_colors}",
                "Bad Request: TOPIC_ICON_COLOR_INVALID",
            )
        self._check_icon("createForumTopic", params.get("icon_custom_emoji_id"))
        chat = self._chat(params["chat_id"])
        if not chat.is_forum:
            raise BotApiError(errors.NOT_A_FORUM)
        if not self._bot_can(chat, "can_manage_topics"):
            raise BotApiError(errors.NO_RIGHTS_TOPIC)
        self._budget(chat, "createForumTopic")
        bot = self.state.require_bot()
        thread_id = chat.take_message_id()
        topic = Topic(
            chat_id=chat.id,
            thread_id=thread_id,
            name=params["name"],
            icon_color=color,
            icon_custom_emoji_id=params.get("icon_custom_emoji_id"),
            creator_id=bot.id,
        )
        chat.topics[thread_id] = topic
        created = {"name": topic.name, "icon_color": topic.icon_color}
        if topic.icon_custom_emoji_id:
            created["icon_custom_emoji_id"] = topic.icon_custom_emoji_id
        self.state.post(
            chat,
            bot.id,
            {"forum_topic_created": created},
            thread_id=thread_id,
            message_id=thread_id,
            deliver=True,
        )
        return topic.to_dict()

    def _managed_topic(self, params: dict[str, Any]) -> tuple[Chat, Topic]:
        chat = self._chat(params["chat_id"])
        topic = self._topic(chat, params["message_thread_id"])
        bot = self.state.require_bot()
        if topic.creator_id != bot.id and not self._bot_can(chat, "can_manage_topics"):
            raise BotApiError(NO_ADMIN_RIGHTS)
        return chat, topic

    def edit_forum_topic(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        self._check_icon("editForumTopic", params.get("icon_custom_emoji_id"))
        chat, topic = self._managed_topic(params)
        edited: dict[str, Any] = {}
        name = params.get("name")
        if name and name != topic.name:
            edited["name"] = name
        emoji_id = params.get("icon_custom_emoji_id")
        if emoji_id is not None and emoji_id != (topic.icon_custom_emoji_id or ""):
            edited["icon_custom_emoji_id"] = emoji_id
        if not edited:
            raise BotApiError(errors.TOPIC_NOT_MODIFIED)
        self._budget(chat, "editForumTopic")
        topic.name = edited.get("name", topic.name)
        if "icon_custom_emoji_id" in edited:
            topic.icon_custom_emoji_id = edited["icon_custom_emoji_id"] or None
        self._topic_service(chat, topic, {"forum_topic_edited": edited})
        return True

    def topic_state_changer(self, *, close: bool) -> Handler:
        method = "closeForumTopic" if close else "reopenForumTopic"

        def change(params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
            chat, topic = self._managed_topic(params)
            if topic.closed == close:
                raise BotApiError(errors.TOPIC_NOT_MODIFIED)
            self._budget(chat, method)
            if close:
                self._topic_service(chat, topic, {"forum_topic_closed": {}})
                topic.closed = True
            else:
                topic.closed = False
                self._topic_service(chat, topic, {"forum_topic_reopened": {}})
            return True

        return change

    def delete_forum_topic(self, params: dict[str, Any], uploads: dict[str, Upload]) -> bool:
        chat = self._chat(params["chat_id"])
        topic = self._topic(chat, params["message_thread_id"])
        if not self._bot_can(chat, "can_delete_messages"):
            raise BotApiError(errors.NO_RIGHTS_DELETE_TOPIC)
        self._budget(chat, "deleteForumTopic")
        self.state.delete_topic_messages(chat, topic)
        return True

    def get_forum_topic_icon_stickers(
        self, params: dict[str, Any], uploads: dict[str, Upload]
    ) -> list[dict[str, Any]]:
        return [
            {
                "file_id": f"CAACAgIAAxUAAWTopicIcon{index}",
                "file_unique_id": f"AgADTopicIcon{index}",
                "type": "custom_emoji",
                "width": 100,
                "height": 100,
                "is_animated": True,
                "is_video": False,
                "emoji": emoji,
                "set_name": "Topics",
                "custom_emoji_id": emoji_id,
            }
            for index, (emoji_id, emoji) in enumerate(TOPIC_ICON_EMOJI)
        ]
