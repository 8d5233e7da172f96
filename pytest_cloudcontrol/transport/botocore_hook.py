"""The botocore transport: a ``before-send.cloudcontrol`` handler that answers instead of the network.

The handler is added to ``botocore.handlers.BUILTIN_HANDLERS`` when this module is imported (importing
``pytest_cloudcontrol`` imports it; pytest imports the plugin before any test module), so every
botocore session made afterwards carries it; it is inert while no fake is active. It is registered on
the ``cloudcontrol`` service only: other services, and a moto mock beside it, never see it. botocore
still serializes, signs, retries and parses, exactly as it does against AWS. aiobotocore (and aioboto3)
clients get the same handler; it hands them to ``aiobotocore_hook`` for an answer they can await.

While a fake is active (or real calls are blocked), three guards keep every Cloud Control call in the
process and the user's credentials out of it:

- a cloudcontrol client made now takes no credentials from the user's chain (no profile, STS, SSO,
  instance metadata or ``credential_process`` runs for it);
- every request the fake serves is signed with the fake's secret, never the client's own (so
  refreshable credentials are never refreshed);
- a cloudcontrol request that reaches botocore's network layer anyway (a client made before this
  module was imported carries no handler) is refused with ``RealEndpointError``, never sent.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from types import FrameType
from typing import Any

import botocore
import botocore.endpoint
import botocore.session
from botocore import handlers
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.credentials import Credentials
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from botocore.signers import RequestSigner

from ..http import HttpRequest, HttpResponse, NetworkFault, body_bytes

Serve = Callable[[HttpRequest], HttpResponse]

# The fakes that are active, innermost last; botocore calls the handler from any thread.
_active: list[tuple[Serve, bool]] = []
# How many times real calls were blocked (the plugin's ``cloudcontrol_block_real_calls``); nests.
_blocking: list[object] = []

ENDPOINT_PREFIX = "cloudcontrolapi"


class _Body(io.BytesIO):
    """The raw body botocore reads through ``stream()``, as it reads urllib3's."""

    def stream(self, amt: int = 1024 * 1024, decode_content: bool = True) -> Iterator[bytes]:
        yield self.getvalue()


def _operation_of(event_name: str) -> str:
    """``before-send.cloudcontrol.CancelResourceRequest`` → ``CancelResourceRequest``."""
    return event_name.rpartition(".")[2] or "a Cloud Control operation"


def _blocked(operation: str) -> Exception:
    from ..errors import RealEndpointError

    return RealEndpointError(
        f"{operation} was called while no Cloud Control fake is active, and this run blocks real "
        "calls (cloudcontrol_block_real_calls = true). Use the `cloudcontrol` fixture in this test "
        "(or `with FakeCloudControl():` around the call)."
    )


def _answer(
    request: AWSPreparedRequest, event_name: str = "", **kwargs: Any
) -> AWSResponse | Awaitable[AWSResponse] | None:
    if not _active:
        if _blocking:
            raise _blocked(_operation_of(event_name))
        return None
    return _respond(_active[-1][0], request, sys._getframe(1))


def _respond(
    serve: Serve, request: AWSPreparedRequest, caller: FrameType
) -> AWSResponse | Awaitable[AWSResponse]:
    """``serve``'s answer to ``request``, as the emitter that called the handler (``caller``) needs it."""
    if caller.f_globals.get("__name__", "").startswith("aiobotocore."):
        # Called by aiobotocore's emitter, which awaits the answer (see aiobotocore_hook).
        from . import aiobotocore_hook

        return aiobotocore_hook.answer(serve, request)
    try:
        response = serve(HttpRequest(request.url, request.headers, body_bytes(request.body)))
    except NetworkFault as fault:
        raise network_error(fault, request.url) from None
    # botocore reads response headers by lower-case name only; a plain dict serves it.
    wire_headers: Any = response.headers
    return AWSResponse(request.url, response.status, wire_headers, _Body(response.body))


def network_error(fault: NetworkFault, url: str) -> Exception:
    """The exception botocore's HTTP layer raises for a call the network lost this way.

    Raised from ``before-send``, botocore's endpoint hands it to the retry handler as it hands an
    exception from its own send: it retries, then raises it to the caller.
    """
    error = f"{fault} (injected by pytest-cloudcontrol)"
    if fault.kind == "connect":
        return EndpointConnectionError(endpoint_url=url, error=error)
    if fault.kind == "read_timeout":
        return ReadTimeoutError(endpoint_url=url, error=error)
    return ConnectionClosedError(endpoint_url=url, error=error)


def _signer(**kwargs: Any) -> object | None:
    # Fast mode: an active fake that takes unsigned requests saves botocore the SigV4 work.
    if _active and _active[-1][1]:
        unsigned: object = botocore.UNSIGNED
        return unsigned
    return None


FAKE_CREDENTIALS = Credentials("testing", "testing", "testing")
"""The credentials everything the fake serves is signed with: never a real account's."""

# Access key id → the fake's credentials with that key id (which ``accounts=`` maps to an account).
_signing: dict[str, Credentials] = {FAKE_CREDENTIALS.access_key: FAKE_CREDENTIALS}


def _signing_credentials(own: object) -> Credentials:
    """The credentials to sign with: the client's access key id if it has a static one, a fake secret."""
    if type(own) is not Credentials:
        # None, or refreshable (assume-role, SSO, metadata): reading them could refresh them over the
        # network, so the fake's own key signs instead.
        return FAKE_CREDENTIALS
    key = own.access_key
    credentials = _signing.get(key)
    if credentials is None:
        credentials = _signing[key] = Credentials(key, FAKE_CREDENTIALS.secret_key, FAKE_CREDENTIALS.token)
    return credentials


# The last client credentials seen to be static with the fake's secret: they need no replacing.
_fake_signed: object = FAKE_CREDENTIALS


def _credentials(request: AWSRequest, request_signer: Any, **kwargs: Any) -> None:
    # The common case costs one comparison: the signer seen signing with the fake's secret.
    if _active and getattr(request_signer, "_credentials", None) is not _fake_signed:
        _sign_as_fake(request, request_signer)


def _sign_as_fake(request: AWSRequest, request_signer: Any) -> None:
    # botocore's signer keeps its credentials private; a ``request_credentials`` signing context wins
    # over them, so the client's own (perhaps real, perhaps refreshable) credentials are never used.
    global _fake_signed
    own = getattr(request_signer, "_credentials", None)
    if own is _fake_signed:
        return
    if type(own) is Credentials and own.secret_key == FAKE_CREDENTIALS.secret_key:
        _fake_signed = own
        return
    if type(request_signer) is RequestSigner:
        credentials: object = _signing_credentials(own)
    else:  # aiobotocore's signer awaits the credentials it is given: they must be its own kind
        from . import aiobotocore_hook

        credentials = aiobotocore_hook.signing_credentials(own)
    request.context.setdefault("signing", {})["request_credentials"] = credentials


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


# -- the guards, patched into botocore (and aiobotocore) only while a fake is active or calls are blocked

_CREDENTIAL_POSITION = 5  # create_client(service_name, region, api_version, ssl, verify, url, key, ...)


def _refuse(endpoint: Any, request: AWSPreparedRequest) -> None:
    """Raise ``RealEndpointError`` for a Cloud Control request about to leave the process."""
    if getattr(endpoint, "_endpoint_prefix", None) != ENDPOINT_PREFIX or not (_active or _blocking):
        return
    from ..errors import RealEndpointError

    target = request.headers.get("X-Amz-Target") or b""
    operation = (target.decode() if isinstance(target, bytes) else target).rpartition(".")[2]
    if not _active:
        raise _blocked(operation or "a Cloud Control operation")
    raise RealEndpointError(
        f"{operation or 'A Cloud Control call'} came from a cloudcontrol client made before "
        "pytest_cloudcontrol was imported, which the fake cannot serve; it was not sent. Import "
        "pytest_cloudcontrol before making clients (under pytest the plugin is imported first), "
        "or use fake.client()."
    )


def _send_guard(original: Callable[..., Any]) -> Callable[..., Any]:
    """``Endpoint._send``, refusing Cloud Control requests that reach it."""

    def _send(self: Any, request: AWSPreparedRequest) -> Any:
        _refuse(self, request)
        return original(self, request)

    return _send


def _async_send_guard(original: Callable[..., Any]) -> Callable[..., Any]:
    """Aiobotocore's ``AioEndpoint._send``, likewise."""

    async def _send(self: Any, request: AWSPreparedRequest) -> Any:
        _refuse(self, request)
        return await original(self, request)

    return _send


def _create_client_guard(original: Callable[..., Any]) -> Callable[..., Any]:
    """``Session.create_client``: a cloudcontrol client made while a fake is active loads no credentials.

    No credential provider runs for it (profiles, STS, SSO, instance metadata, ``credential_process``).
    It keeps explicit credentials and credentials its session already loaded; otherwise it gets the
    access key id of ``AWS_ACCESS_KEY_ID`` (the fake's, unless the test set another for ``accounts=``).
    """

    def create_client(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        if (
            _active
            and service_name == "cloudcontrol"
            and len(args) <= _CREDENTIAL_POSITION
            and kwargs.get("aws_access_key_id") is None
            and kwargs.get("aws_secret_access_key") is None
            and getattr(self, "_credentials", None) is None
        ):
            kwargs["aws_access_key_id"] = os.environ.get("AWS_ACCESS_KEY_ID") or FAKE_CREDENTIALS.access_key
            kwargs["aws_secret_access_key"] = FAKE_CREDENTIALS.secret_key
            kwargs["aws_session_token"] = FAKE_CREDENTIALS.token
        return original(self, service_name, *args, **kwargs)

    return create_client


# (class, attribute) → (what was there, the guard put over it), while the guards are in.
_patched: dict[tuple[type, str], tuple[Any, Any]] = {}


def _targets() -> list[tuple[type, str, Callable[[Callable[..., Any]], Callable[..., Any]]]]:
    """What to guard: botocore's sending and client making, and aiobotocore's once it is imported."""
    targets: list[tuple[type, str, Callable[[Callable[..., Any]], Callable[..., Any]]]] = [
        (botocore.endpoint.Endpoint, "_send", _send_guard),
        (botocore.session.Session, "create_client", _create_client_guard),
    ]
    aio_endpoint, aio_session = (
        sys.modules.get("aiobotocore.endpoint"),
        sys.modules.get("aiobotocore.session"),
    )
    if aio_endpoint is not None:
        targets.append((aio_endpoint.AioEndpoint, "_send", _async_send_guard))
    if aio_session is not None:
        targets.append((aio_session.AioSession, "create_client", _create_client_guard))
    return targets


def _sync_guards() -> None:
    """Patch the guards in while a fake is active or calls are blocked; take them out after."""
    if _active or _blocking:
        for owner, name, guard_of in _targets():
            if (owner, name) not in _patched and name in vars(owner):
                original = vars(owner)[name]
                guard = guard_of(original)
                _patched[(owner, name)] = (original, guard)
                setattr(owner, name, guard)
        return
    for (owner, name), (original, guard) in list(_patched.items()):
        # Put back only what is still ours: another library may have patched over it since.
        if vars(owner).get(name) is guard:
            setattr(owner, name, original)
        del _patched[(owner, name)]


def activate(serve: Serve, *, unsigned: bool = False) -> None:
    """Route every cloudcontrol call in the process to ``serve`` until ``deactivate``."""
    install()
    _active.append((serve, unsigned))
    _sync_guards()


def deactivate(serve: Serve) -> None:
    """Stop routing to ``serve``; an outer active fake, if any, takes over again."""
    for index in range(len(_active) - 1, -1, -1):
        if _active[index][0] is serve:
            del _active[index]
            break
    _sync_guards()


def emitter_of(target: object) -> Any:
    """The event emitter of a botocore or boto3 client, a botocore session or a boto3 session."""
    from ..errors import CloudControlUsageError

    meta = getattr(target, "meta", None)
    if meta is not None and hasattr(meta, "events") and hasattr(meta, "service_model"):
        if meta.service_model.service_name != "cloudcontrol":
            raise CloudControlUsageError(
                f"attach() takes a cloudcontrol client; got a {meta.service_model.service_name} client"
            )
        return meta.events
    botocore_session = getattr(target, "_session", target)  # a boto3 Session wraps a botocore one
    if isinstance(botocore_session, botocore.session.Session):
        return botocore_session.get_component("event_emitter")
    raise CloudControlUsageError(
        f"attach() takes a botocore or boto3 client or session; got {type(target).__name__}"
    )


class Attachment:
    """A fake's handlers on one client's or session's event emitter, in place of the process-wide ones.

    The attached client (or every client its session makes from now on) is served by that fake alone
    until ``detach``, whichever fakes are active; other clients are not touched.
    """

    def __init__(self, emitter: Any, serve: Serve, unsigned: bool) -> None:
        self.emitter = emitter
        self.serve = serve
        self.unsigned = unsigned
        self._handlers = (
            (_HANDLERS[0][0], _answer, self._answer),
            (_HANDLERS[1][0], _signer, self._signer),
            (_HANDLERS[2][0], _credentials, self._credentials),
        )

    def _answer(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | Awaitable[AWSResponse]:
        return _respond(self.serve, request, sys._getframe(1))

    def _signer(self, **kwargs: Any) -> object | None:
        unsigned: object = botocore.UNSIGNED
        return unsigned if self.unsigned else None

    def _credentials(self, request: AWSRequest, request_signer: Any, **kwargs: Any) -> None:
        _sign_as_fake(request, request_signer)

    def attach(self) -> None:
        """Put this fake's handlers in; the process-wide ones no longer run for this emitter."""
        for event, shared, own in self._handlers:
            self.emitter.unregister(event, shared)
            self.emitter.register_first(event, own)

    def detach(self) -> None:
        """Put the process-wide handlers back."""
        for event, shared, own in self._handlers:
            self.emitter.unregister(event, own)
            self.emitter.register_first(event, shared)


def block_real_calls(owner: object) -> None:
    """Refuse every Cloud Control call made while no fake is active, until ``unblock_real_calls(owner)``."""
    install()
    _blocking.append(owner)
    _sync_guards()


def unblock_real_calls(owner: object) -> None:
    """Undo one ``block_real_calls(owner)``."""
    for index in range(len(_blocking) - 1, -1, -1):
        if _blocking[index] is owner:
            del _blocking[index]
            break
    _sync_guards()


install()
