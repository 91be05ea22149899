"""Request decoding and validation against the spec, shared by every method.

aiogram sends form fields: Strings raw, everything else JSON-dumped, uploads as multipart
parts referenced by ``attach://<key>``. :func:`decode_params` turns that back into typed
values by each field's spec type and rejects anything the spec does not allow (unknown or
missing parameters, wrong types, lengths, malformed keyboards) with the 400 Telegram would
give, marked as a violation so the emulator records it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from . import errors
from .errors import BotApiError, spec_violation
from .models import Upload
from .spec import ApiSpec, FieldSpec, MethodSpec, TypeSpec
from .text import HtmlParseError, parse_html, utf16_len

ATTACH_PREFIX = "attach://"
_INTEGER = re.compile(r"-?\d+")
#: InlineKeyboardButton fields of which exactly one must be set.
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_SCALARS = {"Integer", "Float", "Boolean", "String", "InputFile"}
#: With a ``parse_mode`` beside them, these are measured after parsing by :func:`check_text`.
_PARSED_FIELDS = {"text", "caption"}


def _type_name(types: tuple[str, ...] | list[str]) -> str:
    return " or ".join(types)


def decode_params(
    spec: ApiSpec, method: MethodSpec, raw: Mapping[str, Any], *, typed: bool = False
) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Typed parameters of one call plus the uploads they reference by ``attach://``.

    ``raw`` maps field names to form strings or :class:`Upload` parts; with ``typed`` (a JSON
    body) values already have their JSON types and are not re-parsed.
    """
    uploads = {key: value for key, value in raw.items() if isinstance(value, Upload)}
    params: dict[str, Any] = {}
    referenced: set[str] = set()
    for key, value in raw.items():
        field = method.fields.get(key)
        if field is None:
            if isinstance(value, Upload):
                continue  # checked below: an attachment must be referenced
            raise spec_violation(f'{method.name}: unknown parameter "{key}"')
        decoded = _decode_top(method, field, value, typed)
        params[key] = decoded
    for value in params.values():
        referenced.update(_attach_refs(value))
    for key in uploads:
        if key not in referenced and key not in method.fields:
            raise spec_violation(f'{method.name}: unknown parameter "{key}" (an unused upload)')
    for ref in referenced:
        if ref not in uploads:
            raise spec_violation(
                f"{method.name}: attach://{ref} names no uploaded part",
                "Bad Request: wrong file identifier/HTTP URL specified",
            )
    for field in method.fields.values():
        if field.required and field.name not in params:
            raise _missing(method, field)
    for key, value in params.items():
        field = method.fields[key]
        if isinstance(value, Upload):
            continue
        parsed = field.name in _PARSED_FIELDS and "parse_mode" in method.fields
        check_value(
            spec, field.types, value, key, method.name, top_field=None if parsed else field
        )
    return params, uploads


def _missing(method: MethodSpec, field: FieldSpec) -> BotApiError:
    what = f'{method.name}: required parameter "{field.name}" is missing'
    if field.name == "text" and method.name in {"sendMessage", "editMessageText"}:
        return spec_violation(what, errors.TEXT_EMPTY)
    return spec_violation(what, f"Bad Request: {field.name} is empty")


def _decode_top(method: MethodSpec, field: FieldSpec, value: Any, typed: bool) -> Any:
    types = field.types
    if isinstance(value, Upload):
        if "InputFile" not in types:
            raise spec_violation(
                f'{method.name}: "{field.name}" is a file upload but must be {_type_name(types)}'
            )
        return value
    if typed or not isinstance(value, str):
        return value
    if types == ("String",) or "InputFile" in types:
        return value
    if "String" in types:
        if "Integer" in types and _INTEGER.fullmatch(value):
            return int(value)
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise spec_violation(
            f'{method.name}: "{field.name}" is not valid JSON for {_type_name(types)}: '
            f"{value[:60]!r}",
            f"Bad Request: can't parse {field.name} JSON object",
        ) from None


def _attach_refs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value[len(ATTACH_PREFIX) :]] if value.startswith(ATTACH_PREFIX) else []
    if isinstance(value, list):
        return [ref for item in value for ref in _attach_refs(item)]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in _attach_refs(item)]
    return []


def check_value(
    spec: ApiSpec,
    types: tuple[str, ...] | list[str],
    value: Any,
    path: str,
    method: str,
    *,
    top_field: FieldSpec | None = None,
) -> None:
    """Raise a violation unless ``value`` matches one of ``types`` (recursively)."""
    problems: list[BotApiError] = []
    for type_name in types:
        try:
            _check_one(spec, type_name, value, path, method)
        except BotApiError as problem:
            problems.append(problem)
        else:
            break
    else:
        # Prefer the most specific explanation: a deep path beats "must be X or Y".
        raise max(problems, key=lambda p: len(p.violation or ""))
    if top_field is not None and isinstance(value, str):
        _check_length(top_field, value, path, method)


def _check_length(field: FieldSpec, value: str, path: str, method: str) -> None:
    bounds = field.length_range
    if bounds is None:
        return
    low, high, unit = bounds
    size = len(value.encode("utf-8")) if unit == "bytes" else utf16_len(value)
    if low <= size <= high:
        return
    what = f'{method}: "{path}" is {size} {unit}, allowed {low}-{high}'
    if field.name == "callback_data":
        raise spec_violation(what, errors.BUTTON_DATA_INVALID)
    raise spec_violation(what, f"Bad Request: {field.name} must be {low}-{high} {unit} long")


def _type_error(path: str, method: str, expected: str, value: Any) -> BotApiError:
    shown = json.dumps(value, ensure_ascii=False)[:60]
    return spec_violation(
        f'{method}: "{path}" must be {expected}, got {shown}',
        f'Bad Request: field "{path}" must be of type {expected}',
    )


def _check_one(spec: ApiSpec, type_name: str, value: Any, path: str, method: str) -> None:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            raise _type_error(path, method, type_name, value)
        inner = type_name[len("Array of ") :]
        for index, item in enumerate(value):
            _check_one(spec, inner, item, f"{path}[{index}]", method)
        return
    if type_name in _SCALARS:
        if not _scalar_ok(type_name, value):
            raise _type_error(path, method, type_name, value)
        return
    type_spec = spec.types.get(type_name)
    if type_spec is None:
        return  # a type the spec only names (e.g. CallbackGame): nothing to check
    if type_spec.subtypes:
        check_value(spec, list(type_spec.subtypes), value, path, method)
        return
    _check_object(spec, type_spec, value, path, method)


def _check_object(spec: ApiSpec, type_spec: TypeSpec, value: Any, path: str, method: str) -> None:
    type_name = type_spec.name
    if not isinstance(value, dict):
        raise _type_error(path, method, type_name, value)
    if not type_spec.fields:
        return
    for key in value:
        if key not in type_spec.fields:
            raise spec_violation(
                f'{method}: "{path}" has field "{key}" unknown to {type_name}',
                f'Bad Request: unknown field "{key}" in {path}',
            )
    for field in type_spec.fields.values():
        if field.required and field.name not in value:
            raise spec_violation(
                f'{method}: "{path}" lacks required field "{field.name}" of {type_name}',
                f'Bad Request: field "{path}.{field.name}" is required',
            )
    _check_discriminator(type_spec.fields, value, path, method, type_name)
    for key, item in value.items():
        field = type_spec.fields[key]
        check_value(spec, field.types, item, f"{path}.{key}", method)
        parsed = key in _PARSED_FIELDS and "parse_mode" in type_spec.fields
        if isinstance(item, str) and not parsed:
            _check_length(field, item, f"{path}.{key}", method)
    if type_name == "InlineKeyboardButton":
        _check_button(value, path, method)


def _check_discriminator(
    fields: dict[str, FieldSpec], value: dict[str, Any], path: str, method: str, type_name: str
) -> None:
    """``type``/``status``/``source`` fields documented as a constant must carry it."""
    for key in ("type", "status", "source"):
        field = fields.get(key)
        if field is None or key not in value:
            continue
        match = re.search(r'(?:always|must be) [“"]?([a-z_]+)[”"]?', field.description)
        if match and value[key] != match.group(1):
            raise spec_violation(
                f'{method}: "{path}.{key}" is {value[key]!r}, {type_name} needs '
                f"{match.group(1)!r}",
                f'Bad Request: unsupported {key} "{value[key]}" in {path}',
            )


def _scalar_ok(type_name: str, value: Any) -> bool:
    if type_name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if type_name == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "Boolean":
        return isinstance(value, bool)
    return isinstance(value, str)  # String, and InputFile given as file_id/URL/attach://


def _check_button(button: dict[str, Any], path: str, method: str) -> None:
    actions = [name for name in BUTTON_ACTIONS if name in button]
    if not button.get("text"):
        raise spec_violation(
            f'{method}: "{path}" has an empty text', "Bad Request: text buttons are unallowed"
        )
    if len(actions) != 1:
        raise spec_violation(
            f'{method}: "{path}" must have exactly one action, has {actions or "none"}',
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in "
            "the inline keyboard"
            if not actions
            else "Bad Request: can't parse inline keyboard button: exactly one of the optional "
            "fields must be used",
        )


def check_text(
    method: str,
    field: str,
    value: str | None,
    parse_mode: str | None,
    *,
    low: int,
    high: int,
) -> str:
    """Validate a message text or caption the way Telegram does; return its rendered text.

    With ``parse_mode=HTML`` the markup must parse and the limits apply to the text after
    parsing, counted in UTF-16 units. ``field`` is ``"text"`` or ``"caption"``.
    """
    raw = value or ""
    rendered = raw
    if parse_mode is not None:
        mode = parse_mode.lower()
        if mode == "html":
            try:
                rendered = parse_html(raw)
            except HtmlParseError as problem:
                raise spec_violation(
                    f"{method}: {field} is not valid HTML: {problem}",
                    f"Bad Request: can't parse entities: {problem}",
                ) from None
        elif mode not in {"markdown", "markdownv2"}:
            raise spec_violation(
                f"{method}: unsupported parse_mode {parse_mode!r}",
                f"Bad Request: unsupported parse_mode {parse_mode}",
            )
    size = utf16_len(rendered.strip()) if low > 0 else utf16_len(rendered)
    if size < low:
        raise spec_violation(f"{method}: {field} is empty after entity parsing", errors.TEXT_EMPTY)
    if size > high:
        too_long = errors.TEXT_TOO_LONG if field == "text" else errors.CAPTION_TOO_LONG
        raise spec_violation(
            f"{method}: {field} is {size} UTF-16 units after entity parsing, allowed {low}-{high}",
            too_long,
        )
    return rendered
