"""JSON as the wire carries it: parse what a request sends, encode what the fake answers.

pydantic-core's parser and encoder (a dependency through pydantic) are several times faster than the
``json`` module's, and a request pays for both. They read and write the same documents as ``json``
but for two corners, where ``json`` takes over: nesting deeper than pydantic-core's parser allows
(AWS reads up to 1,000 levels), and lone surrogates (``"\\ud800"``), which UTF-8 cannot carry.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import PydanticSerializationError, from_json, to_json


def parse_json(document: str | bytes) -> Any:
    """Parse a JSON document (bytes must be UTF-8); raise ``ValueError`` (or ``RecursionError``) as json."""
    try:
        return from_json(document)
    except (ValueError, TypeError):  # TypeError: a str holding a lone surrogate
        return json.loads(document.decode() if isinstance(document, bytes) else document)


class Encoded(dict[str, Any]):
    """A JSON object that carries its own encoding, made once and spliced by ``json_bytes``.

    For answers that repeat: a request's event in one state, a resource's description. Each answer
    gets its own copy (``copy``), so a test that changes one changes nothing else.
    """

    __slots__ = ("encoded",)

    def __init__(self, value: dict[str, Any], encoded: bytes | None = None) -> None:
        super().__init__(value)
        self.encoded = _encode(value) if encoded is None else encoded

    def copy(self) -> Encoded:
        """A new object with the same members and encoding."""
        return Encoded(self, self.encoded)


def json_bytes(value: Any) -> bytes:
    """Encode JSON as AWS sends it: compact UTF-8. ``Encoded`` members of an object are spliced in."""
    if isinstance(value, dict) and not isinstance(value, Encoded):
        members = value.values()
        if any(
            isinstance(m, Encoded) or (type(m) is list and m and isinstance(m[0], Encoded)) for m in members
        ):
            return b"{" + b",".join(_encode(key) + b":" + _member(m) for key, m in value.items()) + b"}"
    return value.encoded if isinstance(value, Encoded) else _encode(value)


def _member(value: Any) -> bytes:
    if isinstance(value, Encoded):
        return value.encoded
    if type(value) is list and all(isinstance(item, Encoded) for item in value):
        return b"[" + b",".join(item.encoded for item in value) + b"]"
    return _encode(value)


def _encode(value: Any) -> bytes:
    try:
        return to_json(value)
    except PydanticSerializationError:
        return json.dumps(value, separators=(",", ":")).encode()


def compact_json(value: Any) -> str:
    """``json_bytes`` as text: a JSON document inside a string member (``Properties``, ``ResourceModel``)."""
    return json_bytes(value).decode()
