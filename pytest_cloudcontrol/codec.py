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


def json_bytes(value: Any) -> bytes:
    """Encode JSON as AWS sends it: compact UTF-8."""
    try:
        return to_json(value)
    except PydanticSerializationError:
        return json.dumps(value, separators=(",", ":")).encode()


def compact_json(value: Any) -> str:
    """``json_bytes`` as text: a JSON document inside a string member (``Properties``, ``ResourceModel``)."""
    return json_bytes(value).decode()
