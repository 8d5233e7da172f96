"""Transports: thin adapters that carry an HTTP request from a client to ``protocol.serve`` and back."""

from __future__ import annotations

from collections.abc import Iterable


def request_headers(items: Iterable[tuple[str, str | bytes]]) -> dict[str, str]:
    """Request headers as the protocol reads them: lower-case names, text values."""
    # Header bytes are Latin-1 on the wire (as http.client sends them): decoding them never fails.
    return {
        name.lower(): value.decode("latin-1") if isinstance(value, bytes) else value for name, value in items
    }


def request_body(body: object) -> bytes:
    """A request body as bytes, however the client holds it (bytes, text, a file, nothing)."""
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode()
    read = getattr(body, "read", None)
    data = read() if read is not None else b""
    return data.encode() if isinstance(data, str) else bytes(data)
