"""The botocore transport: a ``before-send.cloudcontrol`` handler that answers instead of the network.

The handler is added to ``botocore.handlers.BUILTIN_HANDLERS`` when this module is imported, so every
botocore session made afterwards carries it (pytest imports the plugin before any test module); it is
inert while no fake is active. It is registered on the ``cloudcontrol`` service only: other services,
and a moto mock beside it, never see it. botocore still serializes, signs, retries and parses, exactly
as it does against AWS. aiobotocore (and aioboto3) clients get the same handler; it hands them to
``aiobotocore_hook`` for an answer they can await.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import botocore
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.credentials import Credentials

from ..http import HttpRequest, HttpResponse, body_bytes

Serve = Callable[[HttpRequest], HttpResponse]

# The fakes that are active, innermost last; botocore calls the handler from any thread.
_active: list[tuple[Serve, bool]] = []


class _Body(io.BytesIO):
    """The raw body botocore reads through ``stream()``, as it reads urllib3's."""

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = True) -> Iterator[bytes]:
        yield self.getvalue()


def _answer(request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | Awaitable[AWSResponse] | None:
    if not _active:
        return None
    serve, _ = _active[-1]
    if sys._getframe(1).f_globals.get("__name__", "").startswith("aiobotocore."):
        # Called by aiobotocore's emitter, which awaits the answer (see aiobotocore_hook).
        from . import aiobotocore_hook

        return aiobotocore_hook.answer(serve, request)
    response = serve(HttpRequest(request.url, request.headers, body_bytes(request.body)))
    # botocore reads response headers by lower-case name only; a plain dict serves it.
    wire_headers: Any = response.headers
    return AWSResponse(request.url, response.status, wire_headers, _Body(response.body))


def _signer(**kwargs: Any) -> object | None:
    # Fast mode: an active fake that takes unsigned requests saves botocore the SigV4 work.
    if _active and _active[-1][1]:
        unsigned: object = botocore.UNSIGNED
        return unsigned
    return None


FAKE_CREDENTIALS = Credentials("testing", "testing", "testing")
"""The credentials everything the fake serves is signed with: never a real account's."""


def _credentials(request: AWSRequest, request_signer: Any, **kwargs: Any) -> None:
    # A client made before the fake started, in a process with no credentials (a module-level client
    # in CI), would fail with NoCredentialsError: sign its requests with fake credentials instead.
    # botocore's signer keeps its credentials private; without them, it reads the signing context.
    if _active and getattr(request_signer, "_credentials", None) is None:
        request.context.setdefault("signing", {})["request_credentials"] = FAKE_CREDENTIALS


_HANDLERS = (
    ("before-send.cloudcontrol", _answer, handlers.REGISTER_FIRST),
    ("choose-signer.cloudcontrol", _signer, handlers.REGISTER_FIRST),
    ("before-sign.cloudcontrol", _credentials, handlers.REGISTER_FIRST),
)


def install() -> None:
    """Make every botocore session created from now on carry the (inert) handlers; idempotent."""
    if _HANDLERS[0] in handlers.BUILTIN_HANDLERS[-len(_HANDLERS) :]:
        return  # the common case, cheaply: installed at import, nothing appended since
    for spec in _HANDLERS:
        if spec not in handlers.BUILTIN_HANDLERS:
            handlers.BUILTIN_HANDLERS.append(spec)


def activate(serve: Serve, *, unsigned: bool = False) -> None:
    """Route every cloudcontrol call in the process to ``serve`` until ``deactivate``."""
    install()
    _active.append((serve, unsigned))


def deactivate(serve: Serve) -> None:
    """Stop routing to ``serve``; an outer active fake, if any, takes over again."""
    for index in range(len(_active) - 1, -1, -1):
        if _active[index][0] is serve:
            del _active[index]
            return


install()
