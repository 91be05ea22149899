"""The machine-readable Bot API spec (``spec/api.json``) and the facts derived from it.

The spec is vendored beside this module (PaulSonOfLars/telegram-bot-api-spec, MIT, see
``spec/LICENSE``, provenance in ``spec/README.md``) so the emulator, and with it every test
that checks the bot's calls, works without ``../shared``. Everything the validator enforces that is
written in prose (length ranges, the reaction emoji list, icon colours) is extracted here, so
a newer spec file brings its own limits.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_SPEC_PATH = Path(__file__).with_name("spec") / "api.json"
_RANGE = re.compile(r"(\d+)-(\d+) (characters|bytes)")
_QUOTED = re.compile(r'"([^"]+)"')
_ICON_COLOR = re.compile(r"(\d+) \(0x[0-9A-Fa-f]+\)")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One parameter of a method or field of a type."""

    name: str
    types: tuple[str, ...]
    required: bool
    description: str

    @property
    def length_range(self) -> tuple[int, int, str] | None:
        """``(low, high, "characters"|"bytes")`` when the description states one."""
        match = _RANGE.search(self.description)
        if match is None:
            return None
        return int(match.group(1)), int(match.group(2)), match.group(3)


@dataclass(frozen=True, slots=True)
class MethodSpec:
    name: str
    fields: dict[str, FieldSpec]
    returns: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    name: str
    fields: dict[str, FieldSpec]
    subtypes: tuple[str, ...]


def _field(raw: dict[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=raw["name"],
        types=tuple(raw.get("types", ())),
        required=bool(raw.get("required")),
        description=raw.get("description", ""),
    )


class ApiSpec:
    """Lookup over the spec: methods case-insensitively, types by name."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data.get("version", "")
        self.methods: dict[str, MethodSpec] = {}
        self._by_lower: dict[str, MethodSpec] = {}
        for name, raw in data["methods"].items():
            method = MethodSpec(
                name=name,
                fields={f["name"]: _field(f) for f in raw.get("fields", [])},
                returns=tuple(raw.get("returns", ())),
            )
            self.methods[name] = method
            self._by_lower[name.lower()] = method
        self.types: dict[str, TypeSpec] = {
            name: TypeSpec(
                name=name,
                fields={f["name"]: _field(f) for f in raw.get("fields", [])},
                subtypes=tuple(raw.get("subtypes", ())),
            )
            for name, raw in data["types"].items()
        }
        emoji_field = self.types["ReactionTypeEmoji"].fields["emoji"]
        #: Emoji a bot may react with (from the ReactionTypeEmoji description).
        self.reaction_emoji: frozenset[str] = frozenset(_QUOTED.findall(emoji_field.description))
        color_field = self.methods["createForumTopic"].fields["icon_color"]
        #: The six RGB values ``createForumTopic.icon_color`` accepts.
        self.icon_colors: tuple[int, ...] = tuple(
            int(value) for value in _ICON_COLOR.findall(color_field.description)
        )

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name``, matched case-insensitively as Telegram does."""
        return self._by_lower.get(name.lower())


@functools.cache
def load_spec(path: str | None = None) -> ApiSpec:
    """Parse the spec once per path (it is immutable, so sharing it is safe)."""
    source = Path(path) if path else DEFAULT_SPEC_PATH
    with source.open(encoding="utf-8") as handle:
        return ApiSpec(json.load(handle))
