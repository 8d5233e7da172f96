"""The aiobotocore transport: the answer to an aiobotocore (or aioboto3) client's ``before-send``.

aiobotocore sessions are botocore sessions: they copy ``botocore.handlers.BUILTIN_HANDLERS`` too, so the
handler ``botocore_hook`` installs reaches every aiobotocore client, and aiobotocore still serializes,
signs, retries, parses and raises the modeled exceptions. What differs is the answer it needs: its
emitter awaits what a handler returns, and it reads the body with ``await response.content``, so the
response must be an ``aiobotocore.awsrequest.AioAWSResponse`` whose raw body has an async ``read()``.

How the one handler tells the two apart: it looks at who called it. aiobotocore's emitter
(``AioHierarchicalEmitter._emit`` in ``aiobotocore.hooks``) calls handlers directly from its own code,
so the calling frame's module is ``aiobotocore.*``; botocore's is ``botocore.hooks``. The alternatives
were worse:

- a second handler in aiobotocore's ``_HANDLER_MAPPING`` (its own table of async twins of builtin
  handlers) is private, and reaches only the sessions made after aiobotocore was imported *and* the
  mapping was added, so a session made at import time of the code under test would miss it;
- a running event loop says nothing: a sync boto3 client called from async code runs in one too;
- the request is a plain ``AWSPreparedRequest`` either way, and its ``User-Agent`` (which names
  aiobotocore) can be replaced by the client's ``Config(user_agent=...)``.

This module imports aiobotocore, so it is imported only from that branch of the handler, when
aiobotocore is already loaded: ``import pytest_cloudcontrol`` never pays for it, and without aiobotocore
installed nothing changes. Each answer also makes sure aiobotocore's sleeps are on the fake's virtual
clock (``clock.redirect_late_imports``), in case aiobotocore was imported after the fake started.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiobotocore.awsrequest import AioAWSResponse  # type: ignore[import-untyped, import-not-found, unused-ignore]
from aiobotocore.credentials import AioCredentials  # type: ignore[import-untyped, import-not-found, unused-ignore]
from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from .. import clock
from ..http import HttpRequest, NetworkFault, body_bytes
from .botocore_hook import Serve, network_error


class _Body:
    """The raw body aiobotocore reads with ``await raw.read()``, as it reads an aiohttp response."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 0

    async def read(self, amt: int | None = None) -> bytes:
        """Up to ``amt`` bytes (all the rest when ``amt`` is None or negative)."""
        end = len(self._data) if amt is None or amt < 0 else self._position + amt
        chunk = self._data[self._position : end]
        self._position += len(chunk)
        return chunk


async def _yield_once() -> None:
    # A network call suspends the task, so concurrent tasks interleave at each send; do the same. Only
    # on asyncio: aiobotocore's httpx backend may run on trio, where the answer simply comes at once.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    await asyncio.sleep(0)


async def answer(serve: Serve, request: AWSPreparedRequest) -> AWSResponse:
    """Serve ``request`` with ``serve`` and answer as aiobotocore's HTTP session would."""
    clock.redirect_late_imports()
    await _yield_once()
    try:
        response = serve(HttpRequest(request.url, request.headers, body_bytes(request.body)))
    except NetworkFault as fault:
        raise network_error(fault, request.url) from None  # botocore's classes: aiobotocore's own
    # As for botocore: headers are read by lower-case name only, so a plain dict serves.
    wire_headers: Any = response.headers
    body = _Body(response.body)
    aio_response: AWSResponse = AioAWSResponse(request.url, response.status, wire_headers, body)
    return aio_response


_signing: dict[str, Any] = {}


def signing_credentials(own: object) -> Any:
    """``botocore_hook``'s signing credentials, as aiobotocore's signer awaits them (``AioCredentials``).

    The client's access key id when it has a static one, the fake's secret always.
    """
    from .botocore_hook import FAKE_CREDENTIALS

    key: str = getattr(own, "access_key", "") if type(own) is AioCredentials else FAKE_CREDENTIALS.access_key
    credentials = _signing.get(key)
    if credentials is None:
        credentials = _signing[key] = AioCredentials(key, FAKE_CREDENTIALS.secret_key, FAKE_CREDENTIALS.token)
    return credentials
