"""Checks a request (and a response) against WB's official OpenAPI for the chat methods.

The spec is vendored as ``sandbox/wildberries/spec/wb-chat.json`` (the machine-readable part of
``shared/marketplace-specs/wb.json``, prose removed) so tests need nothing outside the tree.
Covers what the four chat methods use: path templates, query parameter names and integer
types, the ``Authorization`` header, multipart parts (required, declared, repeatable only when
an array, string ``maxLength`` in characters, binary parts with a file name) and, for answers,
declared statuses, content types and the JSON schema's types, ``required`` and ``items``.
"""

from __future__ import annotations

import json
import re
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from functools import cache
from pathlib import Path
from typing import Any

import httpx

SPEC_PATH = (
    Path(__file__).resolve().parents[2] / "sandbox" / "wildberries" / "spec" / "wb-chat.json"
)


class SpecViolation(AssertionError):
    """The request or response breaks the spec; the message says how."""


@cache
def load_spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return data


def _template_regex(template: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
    return re.compile(f"^{pattern}$")


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    spec = load_spec()
    for template, item in spec["paths"].items():
        if _template_regex(template).match(path):
            operation = item.get(method.lower())
            if operation is None:
                raise SpecViolation(f"{method} is not an operation of {template}")
            return template, operation
    raise SpecViolation(f"{path} is not a path of the WB chat spec")


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    spec = load_spec()
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _check_scalar(name: str, schema: dict[str, Any], value: str) -> None:
    kind = schema.get("type")
    if kind == "integer" and not re.fullmatch(r"-?\d+", value):
        raise SpecViolation(f"{name}={value!r} is not an integer")
    limit = schema.get("maxLength")
    if limit is not None and len(value) > limit:
        raise SpecViolation(f"{name} is {len(value)} characters, max {limit}")


def _multipart(request: httpx.Request) -> list[Message]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise SpecViolation(f"expected multipart/form-data, got {content_type!r}")
    raw = b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.read()
    message = BytesParser(policy=HTTP).parsebytes(raw)
    if not message.is_multipart():
        raise SpecViolation("multipart body does not parse")
    return list(message.iter_parts())


def _check_multipart(request: httpx.Request, schema: dict[str, Any]) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    seen: dict[str, int] = {}
    for part in _multipart(request):
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name not in properties:
            raise SpecViolation(f"multipart part {name!r} is not declared")
        seen[name] = seen.get(name, 0) + 1
        prop = resolve(properties[name])
        item = resolve(prop["items"]) if prop.get("type") == "array" else prop
        if seen[name] > 1 and prop.get("type") != "array":
            raise SpecViolation(f"multipart part {name!r} repeated but not an array")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if item.get("format") == "binary":
            if not part.get_filename():
                raise SpecViolation(f"binary part {name!r} has no file name")
        else:
            _check_scalar(name, item, payload.decode("utf-8"))
    for name in schema.get("required", []):
        if name not in seen:
            raise SpecViolation(f"required multipart part {name!r} is missing")


def check_request(request: httpx.Request) -> str:
    """Raise ``SpecViolation`` unless the request is a valid WB chat call; returns the template."""
    template, operation = find_operation(request.method, _raw_path(request))
    if not request.headers.get("authorization"):
        raise SpecViolation("Authorization header is missing")
    declared = {p["name"]: p for p in (resolve(p) for p in operation.get("parameters", []))}
    query = dict(request.url.params.multi_items())
    for name, value in query.items():
        parameter = declared.get(name)
        if parameter is None or parameter["in"] != "query":
            raise SpecViolation(f"query parameter {name!r} is not declared")
        _check_scalar(name, parameter.get("schema", {}), value)
    for name, parameter in declared.items():
        if parameter["in"] == "query" and parameter.get("required") and name not in query:
            raise SpecViolation(f"required query parameter {name!r} is missing")
    body = operation.get("requestBody")
    if body is None:
        if request.read():
            raise SpecViolation(f"{request.method} {template} takes no body")
        return template
    content: dict[str, Any] = body["content"]
    if "multipart/form-data" in content:
        _check_multipart(request, resolve(content["multipart/form-data"]["schema"]))
    return template


def _check_json(where: str, schema: dict[str, Any], value: Any) -> None:
    schema = resolve(schema)
    for part in schema.get("allOf", []):
        _check_json(where, part, value)
    if value is None:
        if schema.get("nullable") or "type" not in schema:
            return
        raise SpecViolation(f"{where} is null but not nullable")
    kind = schema.get("type")
    expected: dict[str, type | tuple[type, ...]] = {
        "object": dict,
        "array": list,
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
    }
    if kind in expected and (
        not isinstance(value, expected[kind])
        or (kind in ("integer", "number") and isinstance(value, bool))
    ):
        raise SpecViolation(f"{where} should be {kind}, got {type(value).__name__}")
    if "enum" in schema and value not in schema["enum"]:
        raise SpecViolation(f"{where}={value!r} not in {schema['enum']}")
    if kind == "object":
        for name in schema.get("required", []):
            if name not in value:
                raise SpecViolation(f"{where}.{name} is required")
        for name, prop in schema.get("properties", {}).items():
            if name in value:
                _check_json(f"{where}.{name}", prop, value[name])
    if kind == "array" and "items" in schema:
        for index, item in enumerate(value):
            _check_json(f"{where}[{index}]", schema["items"], item)


def check_response(request: httpx.Request, response: httpx.Response) -> None:
    """Raise unless the status and content type are declared and a JSON body fits its schema
    (a 5xx passes: the spec lists none, yet any server can fail)."""
    template, operation = find_operation(request.method, _raw_path(request))
    declared = operation["responses"].get(str(response.status_code))
    if declared is None and response.status_code >= 500:
        return
    if declared is None:
        raise SpecViolation(f"{template} does not declare status {response.status_code}")
    declared = resolve(declared)
    content: dict[str, Any] = declared.get("content", {})
    if not content:
        return
    media = response.headers.get("content-type", "").split(";")[0].strip()
    if media not in content:
        raise SpecViolation(f"{template} {response.status_code}: {media!r} not in {list(content)}")
    if "json" in media:
        _check_json(
            f"{template} {response.status_code}", content[media]["schema"], response.json()
        )


def _raw_path(request: httpx.Request) -> str:
    """The path as sent: an escaped ``/`` in a download id must stay inside its segment."""
    return request.url.raw_path.decode("ascii").split("?", 1)[0]
