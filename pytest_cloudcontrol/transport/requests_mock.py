"""The ``requests`` transport: a ``responses`` route for code that calls the endpoint with ``requests``.

botocore does not send through ``requests``, so this is only for code that signs and posts to
``https://cloudcontrolapi.<region>.amazonaws.com/`` itself. The route goes into a ``RequestsMock`` the
test already runs (nothing of the user's is replaced), or into one of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import requests
import responses

from ..http import HttpRequest, HttpResponse, NetworkFault, body_bytes

if TYPE_CHECKING:
    from requests import PreparedRequest

Serve = Callable[[HttpRequest], HttpResponse]

ENDPOINT_URL = re.compile(r"https?://cloudcontrolapi\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/?")
"""The URLs served by default: every Region's public Cloud Control endpoint."""


def _callback(serve: Serve) -> Callable[[PreparedRequest], tuple[int, dict[str, str], bytes]]:
    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        try:
            response = serve(HttpRequest(request.url or "", request.headers, body_bytes(request.body)))
        except NetworkFault as fault:
            raise network_error(fault, request) from None
        return response.status, response.headers, response.body

    return answer


def network_error(fault: NetworkFault, request: PreparedRequest) -> requests.RequestException:
    """The exception ``requests`` raises for a call the network lost this way."""
    error = f"{fault} (injected by pytest-cloudcontrol)"
    if fault.kind == "connect":
        return requests.ConnectionError(f"Failed to establish a new connection: {error}", request=request)
    if fault.kind == "read_timeout":
        return requests.ReadTimeout(f"Read timed out: {error}", request=request)
    return requests.ConnectionError(
        f"Connection aborted: remote end closed connection without response: {error}", request=request
    )


@contextmanager
def routed(
    serve: Serve,
    mock: responses.RequestsMock | None = None,
    url: str | re.Pattern[str] = ENDPOINT_URL,
) -> Iterator[responses.RequestsMock]:
    """Route POSTs to ``url`` to ``serve`` through ``mock`` (or a ``RequestsMock`` of its own).

    An own mock is started and stopped here, and refuses every other URL as ``responses`` does, so a
    test never reaches the network by accident. A mock the caller passes keeps running after; only
    the route is taken out again.
    """
    own = mock is None
    rsps = responses.RequestsMock(assert_all_requests_are_fired=False) if mock is None else mock
    route = rsps.add_callback(responses.POST, url, callback=_callback(serve), content_type=None)
    if own:
        rsps.start()
    try:
        yield rsps
    finally:
        if own:
            rsps.stop()
            rsps.reset()
        elif route in rsps.registered():
            rsps.remove(route)
