"""The HTTP request and response every transport exchanges with the protocol, and how to read them.

``protocol.serve`` takes an ``HttpRequest`` and returns an ``HttpResponse``, or raises ``NetworkFault``
for a call an injected fault loses in the network: the transport then fails as its client's network
layer fails (botocore's ``EndpointConnectionError``, ``ReadTimeoutError``, ``ConnectionClosedError``;
requests' ``ConnectionError``, ``ReadTimeout``; an HTTP server closes the connection unanswered).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol


class Headers(Protocol):
    """Request headers as clients hold them: botocore's ``HTTPHeaders``, requests' dict, a dict."""

    def get(self, name: str, /) -> Any:
        """The value of a header, or None."""


@dataclass(slots=True)
class HttpRequest:
    """What a transport received: the URL, the headers and the body.

    ``headers`` is the client's own mapping, looked up by lower-case name: botocore's and requests' are
    case-insensitive already, so a transport never copies them. Values may be text or bytes.
    """

    url: str
    headers: Headers
    body: bytes

    def header(self, name: str) -> str:
        """The text of a header (lower-case ``name``), or "" when absent; bytes read as Latin-1."""
        value = self.headers.get(name)
        if not value:
            return ""
        # Header bytes are Latin-1 on the wire, as http.client sends them: decoding never fails.
        return value.decode("latin-1") if isinstance(value, bytes) else value


@dataclass(slots=True)
class HttpResponse:
    """What a transport sends back: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes


def body_bytes(body: object) -> bytes:
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


NetworkKind = Literal["connect", "read_timeout", "connection_closed"]
NETWORK_KINDS: tuple[NetworkKind, ...] = ("connect", "read_timeout", "connection_closed")
"""``connect``: the request never reached the fake (nothing happens); ``read_timeout``: it reached the
fake and took effect, but the answer is lost; ``connection_closed``: the connection dropped before the
fake read the request (nothing happens)."""


class NetworkFault(Exception):
    """A call the network lost, raised by ``protocol.serve``: each transport raises its client's own error.

    ``kind`` says what was lost; ``response`` is the answer the fake made and the client never got
    (``read_timeout`` only: the call took effect and is in the call log; for the other kinds nothing
    happened and nothing is logged). What a transport does with each kind:

    - in-process hooks raise what the client's HTTP layer raises: botocore's (and aiobotocore's)
      ``EndpointConnectionError``, ``ReadTimeoutError``, ``ConnectionClosedError``; requests'
      ``ConnectionError``, ``ReadTimeout``, ``ConnectionError``;
    - an HTTP server sends no answer: for ``connect`` and ``connection_closed`` it closes the connection
      at once (its client sees the connection dropped); for ``read_timeout`` it keeps the connection
      open without answering until the client gives up (or closes it after a delay it documents).
    """

    def __init__(self, kind: NetworkKind, operation: str, response: HttpResponse | None = None) -> None:
        super().__init__(f"injected {kind} network error for {operation}")
        self.kind = kind
        self.operation = operation
        self.response = response
