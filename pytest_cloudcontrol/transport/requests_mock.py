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

import responses

from ..http import HttpRequest, HttpResponse, body_bytes

if TYPE_CHECKING:
    from requests import PreparedRequest

Serve = Callable[[HttpRequest], HttpResponse]

ENDPOINT_URL = re.compile(r"https?://cloudcontrolapi\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/?")
"""The URLs served by default: every Region's public Cloud Control endpoint."""


def _callback(serve: Serve) -> Callable[[PreparedRequest], tuple[int, dict[str, str], bytes]]:
    def answer(request: PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        response = serve(HttpRequest(request.url or "", request.headers, body_bytes(request.body)))
        return response.status, response.headers, response.body

    return answer


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
