"""The HTTP transport: a cheroot WSGI server in a thread, answering with ``protocol.serve``.

Clients in other processes (the AWS CLI, other SDKs, infrastructure tools) reach the fake here. The
server is a thin adapter: it hands every request outside ``CONTROL_PREFIX`` to the ``Serve`` it was
given, exactly as the botocore hook does, and those under it to the control API (``control.py``).

Why cheroot: of the maintained threaded WSGI servers, it answered a keep-alive client fastest. On this
project's machine, one ``http.client`` connection posting GetResourceRequestStatus (``protocol.serve``
itself takes 6-11 µs of it): cheroot 228-347 µs a call, waitress 276 µs, werkzeug's ``make_server(
threaded=True)`` (what moto's server and pytest-httpserver use) 770-870 µs. cheroot also does what the
endpoint needs out of the box: HTTP/1.1 keep-alive with idle connections parked in a selector (they hold
no worker thread), chunked request bodies (``wsgi.input`` reads them de-chunked), a worker pool for
concurrent clients, binding in ``prepare()`` (so a bad address fails at once, with the OS's reason), and
a ``stop()`` that closes every connection and joins every thread it started.

An injected network fault (``NetworkFault``) gets no answer: for ``connect`` and ``connection_closed``
the connection is closed at once (the client sees it dropped); for ``read_timeout`` it is held open,
unanswered, for ``READ_TIMEOUT_HOLD`` seconds (botocore's default read timeout: a client times out at
its own, shorter or not) and then closed. The connection is dropped by raising ``ConnectionResetError``
from the application, which cheroot takes as the peer gone: it closes the socket and logs nothing.
"""

from __future__ import annotations

import errno
import http.client
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from cheroot import wsgi

from ..errors import CloudControlUsageError
from ..http import HttpRequest, HttpResponse, NetworkFault
from .botocore_hook import Serve

CONTROL_PREFIX = "/_cloudcontrol/"
"""The path prefix of the control API; every other path is the Cloud Control endpoint."""

Control = Callable[[str, str, bytes], HttpResponse]
"""The control API: (method, path, body) → the response."""

WORKER_THREADS = 8  # requests answered at once; idle keep-alive connections hold none
# How often cheroot's selector loop wakes (its documented ``expiration_interval``, 0.5 s by default):
# ``stop`` waits for it, and a test's server stops at every teardown.
SELECT_INTERVAL = 0.02
READ_TIMEOUT_HOLD = 60.0  # seconds a read_timeout fault holds its connection unanswered

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

_REASONS = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}


class _EnvironHeaders:
    """A WSGI environ's request headers, read by lower-case name (as ``HttpRequest.header`` asks)."""

    __slots__ = ("_environ",)

    def __init__(self, environ: dict[str, Any]) -> None:
        self._environ = environ

    def get(self, name: str, /) -> Any:
        """The value of a header, or None."""
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self._environ.get(key)
        return self._environ.get("HTTP_" + key)


def _application(
    serve: Serve, control: Control, stopping: threading.Event
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # wsgi.input reads a Content-Length body or a chunked one, de-chunked, to its end.
        body: bytes = environ["wsgi.input"].read()
        path: str = environ.get("PATH_INFO") or "/"
        if path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/"):
            response = control(environ["REQUEST_METHOD"], path, body)
        else:
            url = f"http://{environ.get('HTTP_HOST', '')}{path}"
            try:
                response = serve(HttpRequest(url, _EnvironHeaders(environ), body))
            except NetworkFault as fault:
                if fault.kind == "read_timeout":
                    stopping.wait(READ_TIMEOUT_HOLD)  # stop() ends the hold at once
                raise ConnectionResetError(errno.ECONNRESET, str(fault)) from None
        start_response(_REASONS.get(response.status, str(response.status)), list(response.headers.items()))
        return [response.body]

    return application


class HttpServer:
    """A cheroot server on ``host:port`` (0: a free port), running in threads of its own until ``stop``.

    It has started when made: bound, listening, and answering (``timeout`` bounds the wait); a failure
    raises ``CloudControlUsageError`` with the address and the reason, and leaves nothing running.
    """

    def __init__(self, host: str, port: int, serve: Serve, control: Control, *, timeout: float) -> None:
        self._stopping = threading.Event()
        application = _application(serve, control, self._stopping)
        self._server = wsgi.Server((host, port), application, numthreads=WORKER_THREADS)
        self._server.expiration_interval = SELECT_INTERVAL
        try:
            self._server.prepare()
        except OSError as error:
            self._server.stop()
            raise CloudControlUsageError(
                f"the Cloud Control server could not listen on {host}:{port}: {error}. "
                "Pass port=0 for a free port, or another host."
            ) from None
        self.host: str = host
        self.port: int = self._server.bind_addr[1]
        self._thread = threading.Thread(target=self._server.serve, name=f"cloudcontrol-server-{self.port}")
        self._thread.start()
        try:
            self._probe(timeout)
        except BaseException:
            self.stop()
            raise

    def _probe(self, timeout: float) -> None:
        """Wait until the server answers a control request (a GET of the prefix), or fail."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request("GET", CONTROL_PREFIX)
            connection.getresponse().read()
        except OSError as error:
            raise CloudControlUsageError(
                f"the Cloud Control server on {self.host}:{self.port} did not answer within "
                f"{timeout} s: {error}"
            ) from None
        finally:
            connection.close()

    def stop(self) -> None:
        """Close the listening socket and every connection; join every thread. Idempotent."""
        self._stopping.set()
        self._server.stop()
        self._thread.join()
