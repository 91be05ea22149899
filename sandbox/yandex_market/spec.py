"""Checks requests (and answers) against Yandex Market's official OpenAPI (``spec/``).

The emulator runs :func:`check_request` on every API call and answers 400 with Yandex's
error wrapper when it fails, so a client that drifts from the spec fails its tests against
the emulator instead of in production. Covers what the chat calls use: path templates,
query parameters (declared, integer, ``minimum``/``maximum``, required, the
``page_token``/``pageToken`` aliases), JSON bodies (types, ``required``, ``enum``,
``minItems``, ``uniqueItems``, string lengths, ``minimum``) and the multipart ``file`` part.
:func:`check_json` is what tests use on answers.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

SPEC_DIR = Path(__file__).resolve().parent / "spec"
CHAT_SPEC = SPEC_DIR / "ym-chat.json"
NOTIFICATION_SPEC = SPEC_DIR / "ym-notification.json"
#: ``getBusinessOrders`` (a chat's order, for the topic's header), from the same commit.
ORDERS_SPEC = SPEC_DIR / "ym-orders.json"


class SpecViolation(ValueError):
    """The request or answer breaks the spec; the message says how."""


@cache
def load_spec(path: Path = CHAT_SPEC) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def api_spec() -> dict[str, Any]:
    """The chat spec with the orders extract's path and components added: the operations
    the emulator serves. Both come from one commit, so shared component names are equal."""
    chat, orders = load_spec(CHAT_SPEC), load_spec(ORDERS_SPEC)
    components: dict[str, dict[str, Any]] = {}
    for part in (orders["components"], chat["components"]):
        for kind, named in part.items():
            components.setdefault(kind, {}).update(named)
    return {**chat, "paths": {**chat["paths"], **orders["paths"]}, "components": components}


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
    return re.compile(f"^{pattern}$")


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    for template, item in api_spec()["paths"].items():
        if _template_regex(template).match(path):
            operation = item.get(method.lower())
            if operation is None:
                raise SpecViolation(f"{method} is not an operation of {template}")
            return template, operation
    raise SpecViolation(f"{path} is not a path of the Yandex Market chat spec")


def resolve(node: dict[str, Any], spec: dict[str, Any] | None = None) -> dict[str, Any]:
    root = spec if spec is not None else api_spec()
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _check_scalar(name: str, schema: dict[str, Any], value: str) -> None:
    kind = schema.get("type")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise SpecViolation(f"{name}={value!r} is not an integer")
        number = int(value)
        if "minimum" in schema and number < schema["minimum"]:
            raise SpecViolation(f"{name} must be at least {schema['minimum']}")
        if "maximum" in schema and number > schema["maximum"]:
            raise SpecViolation(f"{name} must be at most {schema['maximum']}")


def _parameters(operation: dict[str, Any], path_template: str) -> dict[str, dict[str, Any]]:
    declared: dict[str, dict[str, Any]] = {}
    for raw in operation.get("parameters", []):
        parameter = resolve(raw)
        for alias in parameter.get("x-aliases", [parameter["name"]]):
            declared[alias] = parameter
    return declared


def check_request(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    *,
    content_type: str,
    body: bytes,
) -> tuple[str, dict[str, Any]]:
    """Raise ``SpecViolation`` unless this is a valid call; returns the template and operation."""
    template, operation = find_operation(method, path)
    declared = _parameters(operation, template)
    names = [name for name, _ in query]
    for name, value in query:
        parameter = declared.get(name)
        if parameter is None or parameter["in"] != "query":
            raise SpecViolation(f"query parameter {name!r} is not declared")
        _check_scalar(name, parameter.get("schema", {}), value)
    for name, parameter in declared.items():
        if parameter["in"] != "query" or not parameter.get("required"):
            continue
        if not any(alias in names for alias in parameter.get("x-aliases", [name])):
            raise SpecViolation(f"required query parameter {name!r} is missing")
    if len(set(names)) != len(names):
        raise SpecViolation("a query parameter is repeated")
    request_body = operation.get("requestBody")
    if request_body is None:
        if body.strip():
            raise SpecViolation(f"{method} {template} takes no body")
        return template, operation
    content: dict[str, Any] = request_body["content"]
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if "application/json" in content:
        if kind != "application/json" or not body.strip():
            raise SpecViolation("Missing request body: a JSON body is required")
        try:
            value = json.loads(body)
        except ValueError as exc:
            raise SpecViolation(f"JSON: {exc}") from None
        check_json("body", content["application/json"]["schema"], value)
    elif "multipart/form-data" in content and kind != "multipart/form-data":
        raise SpecViolation("the body must be multipart/form-data")
    return template, operation


_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def check_json(
    where: str, schema: dict[str, Any], value: Any, spec: dict[str, Any] | None = None
) -> None:
    """A JSON value against an OpenAPI schema (the subset the chat spec uses)."""
    schema = resolve(schema, spec)
    for part in schema.get("allOf", []):
        check_json(where, part, value, spec)
    if value is None:
        if schema.get("nullable") or "type" not in schema:
            return
        raise SpecViolation(f"{where} is null but not nullable")
    kind = schema.get("type")
    if kind is not None:
        expected = _TYPES.get(kind)
        wrong_bool = kind in ("integer", "number") and isinstance(value, bool)
        if expected is not None and (not isinstance(value, expected) or wrong_bool):
            raise SpecViolation(f"{where} must be {kind}")
    if "enum" in schema and value not in schema["enum"]:
        raise SpecViolation(f"{where}={value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        _check_string(where, schema, value)
    number = isinstance(value, int) and not isinstance(value, bool)
    if number and "minimum" in schema and value < schema["minimum"]:
        raise SpecViolation(f"{where} must be at least {schema['minimum']}")
    if isinstance(value, list):
        _check_array(where, schema, value, spec)
    if isinstance(value, dict):
        _check_object(where, schema, value, spec)


def _check_string(where: str, schema: dict[str, Any], value: str) -> None:
    if len(value) < schema.get("minLength", 0):
        raise SpecViolation(f"{where} must have at least {schema['minLength']} characters")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise SpecViolation(
            f"Value / length of field ({where}) must be between "
            f"{schema.get('minLength', 0)} and {schema['maxLength']}"
        )


def _check_array(
    where: str, schema: dict[str, Any], value: list[Any], spec: dict[str, Any] | None
) -> None:
    if len(value) < schema.get("minItems", 0):
        raise SpecViolation(f"{where} must have at least {schema['minItems']} items")
    if schema.get("uniqueItems"):
        seen = [json.dumps(item, sort_keys=True) for item in value]
        if len(set(seen)) != len(seen):
            raise SpecViolation(f"{where} items must be unique")
    items = schema.get("items")
    if items is not None:
        for index, item in enumerate(value):
            check_json(f"{where}[{index}]", items, item, spec)


def _check_object(
    where: str, schema: dict[str, Any], value: dict[str, Any], spec: dict[str, Any] | None
) -> None:
    for name in schema.get("required", []):
        if name not in value:
            raise SpecViolation(f"Missing field {where}.{name}")
    for name, prop in schema.get("properties", {}).items():
        if name in value:
            check_json(f"{where}.{name}", prop, value[name], spec)


def check_answer(method: str, path: str, status: int, body: Any) -> None:
    """An answer of the emulator (or a recorded one) against the declared response."""
    _, operation = find_operation(method, path)
    declared = operation.get("responses", {}).get(str(status))
    if declared is None:
        raise SpecViolation(f"{status} is not a declared answer of {method} {path}")
    declared = resolve(declared)
    schema = declared.get("content", {}).get("application/json", {}).get("schema")
    if schema is not None:
        check_json("answer", schema, body)
