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


class Encoded:
    """A JSON object and its encoding, made the first time a list answer splices it.

    For the objects list answers repeat: a request's event in one state, a resource's description.
    Answers put them in their lists; ``json_bytes`` splices their bytes instead of encoding them again.
    The fake shares one between the answers that contain it and never changes it; tests never see it
    (they see answers parsed back from the bytes sent, ``Call.response``).
    """

    __slots__ = ("_encoded", "value")

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value
        self._encoded: bytes | None = None

    @property
    def encoded(self) -> bytes:
        """The object's JSON (encoded on first use)."""
        if self._encoded is None:
            self._encoded = _encode(self.value)
        return self._encoded


def json_bytes(value: Any) -> bytes:
    """Encode JSON as AWS sends it: compact UTF-8; an answer's lists of ``Encoded`` are spliced in."""
    if type(value) is dict:
        for member in value.values():
            if type(member) is list and member and type(member[0]) is Encoded:
                return b"{" + b",".join(_encode(key) + b":" + _member(m) for key, m in value.items()) + b"}"
    return _encode(value)


def _member(value: Any) -> bytes:
    if type(value) is list and value and type(value[0]) is Encoded:
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
