"""The control API under ``/__control/``: thin JSON wrappers over the emulated world.

It lets out-of-process tools (the offline demo, benchmarks, curl) do what in-process tests
do with the emulator object. No auth, no flood budget, not recorded in ``calls``. Errors
answer ``{"error": "<message>"}`` with 400 (bad input) or 404 (unknown route target).
The routes are documented, with examples, in the package docstring.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from aiohttp import web

from .context import CONTEXT, EmulatorContext
from .faults import InjectedError
from .models import MemberStatus, Upload

PREFIX = "/__control"
_dumps = functools.partial(json.dumps, ensure_ascii=False, default=str)
ControlHandler = Callable[[web.Request, EmulatorContext, dict[str, Any]], Awaitable[Any] | Any]


def _route(
    handler: ControlHandler, *, status: int = 200
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Adapt ``handler(request, context, body)`` into an aiohttp handler with JSON errors."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        try:
            body: dict[str, Any] = {}
            if request.body_exists:
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("the body must be a JSON object")
            result = handler(request, request.app[CONTEXT], body)
            if isinstance(result, Awaitable):
                result = await result
        except KeyError as error:
            return web.json_response({"error": f"missing or unknown: {error}"}, status=400)
        except (ValueError, TypeError, binascii.Error) as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response(result, status=status, dumps=_dumps)

    return wrapped


def _chat_id(request: web.Request) -> int:
    return int(request.match_info["chat_id"])


def _jsonable(value: Any) -> Any:
    if isinstance(value, Upload):
        return {"upload": value.filename, "size": len(value.data)}
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _user(value: Any) -> dict[str, Any]:
    return value.to_dict()


def create_bot(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    bot = ctx.state.create_bot(
        body["token"], body.get("username", "test_bot"), body.get("first_name")
    )
    return _user(bot)


def create_user(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    user = ctx.state.create_user(
        body["first_name"],
        body.get("username"),
        last_name=body.get("last_name"),
        language_code=body.get("language_code", "ru"),
    )
    return _user(user)


def create_group(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    chat = ctx.state.create_group(
        body["title"],
        is_forum=bool(body.get("is_forum", False)),
        members=body.get("members", []),
        admins=body.get("admins", []),
        bot_rights=body.get("bot_rights"),
        bot_member=bool(body.get("bot_member", True)),
        supergroup=bool(body.get("supergroup", True)),
        owner=body.get("owner"),
    )
    return chat.to_dict(ctx.state.users)


def send_message(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    photo = base64.b64decode(body["photo_base64"]) if body.get("photo_base64") else None
    document = None
    if body.get("document_base64"):
        document = (
            body.get("document_name", "file.bin"),
            base64.b64decode(body["document_base64"]),
        )
    common = {
        "photo": photo,
        "document": document,
        "caption": body.get("caption"),
        "thread_id": body.get("thread_id"),
        "reply_to": body.get("reply_to"),
    }
    if body.get("anonymous_admin"):
        return ctx.state.anonymous_admin_sends(body["chat_id"], body.get("text"), **common)
    return ctx.state.user_sends(body["user_id"], body["chat_id"], body.get("text"), **common)


def edit_message(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return ctx.state.user_edits(
        body["user_id"],
        body["chat_id"],
        body["message_id"],
        body.get("text"),
        caption=body.get("caption"),
    )


def press_button(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    query_id = ctx.state.press_button(
        body["user_id"], body["chat_id"], body["message_id"], body["callback_data"]
    )
    return {"query_id": query_id}


def callback_answer(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"answer": ctx.state.callback_answer(request.match_info["query_id"])}


def topic_action(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    chat_id, thread_id = _chat_id(request), int(request.match_info["thread_id"])
    ctx.state.human_topic_action(chat_id, thread_id, request.match_info["action"])
    return {"topics": [asdict(topic) for topic in ctx.state.topics(chat_id)]}


def list_topics(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"topics": [asdict(topic) for topic in ctx.state.topics(_chat_id(request))]}


def list_messages(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    thread = request.query.get("thread_id")
    thread_id = int(thread) if thread else None
    if request.query.get("from") == "bot":
        return {"messages": ctx.state.bot_messages(_chat_id(request), thread_id)}
    return {"messages": ctx.state.messages(_chat_id(request), thread_id)}


def bot_rights(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    rights = body.get("rights")
    status = MemberStatus.MEMBER if rights is None else MemberStatus.ADMINISTRATOR
    return ctx.state.change_bot_member(_chat_id(request), status, rights)


def remove_bot(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return ctx.state.change_bot_member(_chat_id(request), MemberStatus.KICKED)


def migrate(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"new_chat_id": ctx.state.migrate_group(_chat_id(request))}


def units(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    chat_id = _chat_id(request)
    log = [
        {"time": at, "method": method} for at, chat, method in ctx.limits.log if chat == chat_id
    ]
    return {"chat_id": chat_id, "units": ctx.limits.units(chat_id), "log": log}


def list_calls(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {
        "calls": [{"method": method, "params": _jsonable(params)} for method, params in ctx.calls]
    }


def list_violations(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"violations": list(ctx.violations)}


def add_error(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    fault = ctx.faults.add(
        InjectedError(
            body["method"],
            body["description"],
            int(body.get("error_code", 400)),
            int(body.get("count", 1)),
            body.get("retry_after"),
        )
    )
    return fault.to_dict()


def list_errors(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"errors": [fault.to_dict() for fault in ctx.faults.pending]}


def clear_errors(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"cleared": ctx.faults.clear()}


def _fault(ctx: EmulatorContext, request: web.Request) -> Any:
    fault_id = int(request.match_info["fault_id"])
    for fault in ctx.faults.call_faults:
        if fault.id == fault_id:
            return fault
    raise web.HTTPNotFound(
        text=json.dumps({"error": f"no fault {fault_id}"}), content_type="application/json"
    )


def _optional_int(body: dict[str, Any], name: str) -> int | None:
    value = body.get(name)
    return None if value is None else int(value)


def add_fault(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    fault = ctx.faults.add_fault(
        body["kind"],
        body.get("method", "*"),
        count=_optional_int(body, "count") if "count" in body else 1,
        skip=int(body.get("skip", 0)),
        chat_id=_optional_int(body, "chat_id"),
        thread_id=_optional_int(body, "thread_id"),
        contains=body.get("contains"),
    )
    return fault.to_dict()


def list_faults(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"faults": [fault.to_dict() for fault in ctx.faults.call_faults]}


def release_fault(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    fault = _fault(ctx, request)
    fault.release()
    return fault.to_dict()


def clear_faults(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return {"cleared": ctx.faults.clear_faults()}


def install_gate(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    return ctx.state.updates.install_gate(confirm=bool(body.get("confirm", True))).to_dict()


def show_gate(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    gate = ctx.state.updates.gate
    return {"gate": gate.to_dict() if gate is not None else None}


def release_gate(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    gate = ctx.state.updates.gate
    if gate is not None:
        gate.release()
    ctx.state.updates.gate = None
    return {"released": gate is not None}


def show_webhook(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    pusher = ctx.state.webhooks
    webhook = pusher.webhook
    return {
        "webhook": webhook.info(len(ctx.state.updates.pending)) if webhook else None,
        "answers": [{"update_id": u, "status": s} for u, s in pusher.answers],
    }


def settings(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    if "refuse_unreadable_photos" in body:
        ctx.faults.refuse_unreadable_photos = bool(body["refuse_unreadable_photos"])
    return {"refuse_unreadable_photos": ctx.faults.refuse_unreadable_photos}


def summary(request: web.Request, ctx: EmulatorContext, body: dict[str, Any]) -> Any:
    state = ctx.state
    return {
        "bot": state.bot.to_dict() if state.bot else None,
        "users": [user.to_dict() for user in state.users.values() if not user.is_bot],
        "chats": [
            {
                **chat.to_dict(state.users),
                "topics": len(chat.topics),
                "messages": len(chat.messages),
                "migrated_to": chat.migrated_to,
            }
            for chat in state.chats.values()
        ],
        "pending_updates": len(state.updates.pending),
        "calls": len(ctx.calls),
        "violations": len(ctx.violations),
    }


def add_control_routes(router: web.UrlDispatcher) -> None:
    router.add_post(f"{PREFIX}/bots", _route(create_bot, status=201))
    router.add_post(f"{PREFIX}/users", _route(create_user, status=201))
    router.add_post(f"{PREFIX}/groups", _route(create_group, status=201))
    router.add_post(f"{PREFIX}/messages", _route(send_message, status=201))
    router.add_post(f"{PREFIX}/edits", _route(edit_message))
    router.add_post(f"{PREFIX}/button_presses", _route(press_button, status=201))
    router.add_get(f"{PREFIX}/callback_answers/{{query_id}}", _route(callback_answer))
    router.add_get(f"{PREFIX}/chats/{{chat_id}}/topics", _route(list_topics))
    router.add_post(
        f"{PREFIX}/chats/{{chat_id}}/topics/{{thread_id}}/{{action:delete|close|reopen}}",
        _route(topic_action),
    )
    router.add_get(f"{PREFIX}/chats/{{chat_id}}/messages", _route(list_messages))
    router.add_post(f"{PREFIX}/chats/{{chat_id}}/bot_rights", _route(bot_rights))
    router.add_post(f"{PREFIX}/chats/{{chat_id}}/add_bot", _route(bot_rights))
    router.add_post(f"{PREFIX}/chats/{{chat_id}}/remove_bot", _route(remove_bot))
    router.add_post(f"{PREFIX}/chats/{{chat_id}}/migrate", _route(migrate))
    router.add_get(f"{PREFIX}/chats/{{chat_id}}/units", _route(units))
    router.add_get(f"{PREFIX}/calls", _route(list_calls))
    router.add_get(f"{PREFIX}/violations", _route(list_violations))
    router.add_post(f"{PREFIX}/errors", _route(add_error, status=201))
    router.add_get(f"{PREFIX}/errors", _route(list_errors))
    router.add_delete(f"{PREFIX}/errors", _route(clear_errors))
    router.add_post(f"{PREFIX}/faults", _route(add_fault, status=201))
    router.add_get(f"{PREFIX}/faults", _route(list_faults))
    router.add_delete(f"{PREFIX}/faults", _route(clear_faults))
    router.add_post(f"{PREFIX}/faults/{{fault_id}}/release", _route(release_fault))
    router.add_get(f"{PREFIX}/webhook", _route(show_webhook))
    router.add_post(f"{PREFIX}/updates/gate", _route(install_gate, status=201))
    router.add_get(f"{PREFIX}/updates/gate", _route(show_gate))
    router.add_delete(f"{PREFIX}/updates/gate", _route(release_gate))
    router.add_post(f"{PREFIX}/settings", _route(settings))
    router.add_get(f"{PREFIX}/state", _route(summary))
