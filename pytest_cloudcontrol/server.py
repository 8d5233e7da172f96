"""``CloudControlServer``: a fake behind a real HTTP endpoint, for clients in other processes.

It serves whichever fake is current (``switch_to`` swaps it, ``reset`` swaps in an empty one), so one
running server can give each test a fresh fake: the session fixture does that. The served fake's clock
follows wall time, ``time_scale`` times as fast, for as long as it is served (see ``VirtualClock``).
The Cloud Control endpoint is every path but ``/_cloudcontrol/``, the control API (``control.py``).
"""

from __future__ import annotations

import math
from types import TracebackType
from typing import TYPE_CHECKING

from . import control
from .codec import json_bytes
from .errors import CloudControlUsageError
from .http import HttpRequest, HttpResponse
from .transport.http_server import HttpServer

if TYPE_CHECKING:
    from .fake import FakeCloudControl


def _time_scale(value: object) -> float:
    if value is None:
        return 1.0
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise CloudControlUsageError(
            f"time_scale must be a number above 0 (virtual seconds per wall second, e.g. 60); got {value!r}"
        )
    return float(value)


def _timeout(value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise CloudControlUsageError(f"timeout must be a number of seconds above 0; got {value!r}")
    return float(value)


class CloudControlServer:
    """A running HTTP endpoint that serves a fake; stop it with ``stop()`` or as a context manager.

    Made by ``FakeCloudControl.serve()`` (or the ``cloudcontrol_server`` fixtures), started when made.

    Args:
        fake: the fake to serve first.
        host, port: where to listen (port 0: a free port, read it from ``port`` or ``url``).
        time_scale: virtual seconds per wall second while served (default 1: wall time).
        timeout: seconds to wait for the server to answer before failing.

    """

    def __init__(
        self,
        fake: FakeCloudControl,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        time_scale: float | None = None,
        timeout: float = 5.0,
    ) -> None:
        if not isinstance(host, str) or not host:
            raise CloudControlUsageError(f"host must be a host name or address; got {host!r}")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise CloudControlUsageError(
                f"port must be a port number from 0 (any free one) to 65535; got {port!r}"
            )
        self.time_scale = _time_scale(time_scale)
        wait = _timeout(timeout)
        self._fake = fake
        self._follow(fake, self.time_scale)
        try:
            self._http = HttpServer(host, port, self._serve, self._control, timeout=wait)
        except BaseException:
            fake.clock.stand_still()
            raise
        self.host: str = host
        self.port: int = self._http.port
        shown = f"[{host}]" if ":" in host else host
        self.url: str = f"http://{shown}:{self.port}"
        self.running = True

    @property
    def fake(self) -> FakeCloudControl:
        """The fake served now."""
        return self._fake

    @staticmethod
    def _follow(fake: FakeCloudControl, time_scale: float) -> None:
        if fake.clock.following_wall_time:
            raise CloudControlUsageError(
                "this FakeCloudControl is already served by a running server; stop that one first"
            )
        fake.clock.follow_wall_time(time_scale)

    def switch_to(self, fake: FakeCloudControl, *, time_scale: float | None = None) -> None:
        """Serve ``fake`` from now on, its clock at ``time_scale`` (default: the server's).

        The clock of the fake served until now stands still again.
        """
        scale = self.time_scale if time_scale is None else _time_scale(time_scale)
        if fake is self._fake:
            return
        self._follow(fake, scale)
        previous, self._fake = self._fake, fake
        previous.clock.stand_still()

    def reset(self) -> None:
        """Empty the fake served now (``fake.reset()``): requests, resources, faults, calls, clock."""
        self._fake.reset()

    def _serve(self, request: HttpRequest) -> HttpResponse:
        return self._fake._serve(request)

    def _control(self, method: str, path: str, body: bytes) -> HttpResponse:
        status, answer = control.answer(self, method, path, body)
        encoded = json_bytes(answer)
        headers = {"content-type": "application/json", "content-length": str(len(encoded))}
        return HttpResponse(status, headers, encoded)

    def stop(self) -> None:
        """Stop serving: close the socket and every connection, end every thread. Idempotent."""
        if not self.running:
            return
        self.running = False
        self._http.stop()
        self._fake.clock.stand_still()

    def __enter__(self) -> CloudControlServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<CloudControlServer {self.url} {'running' if self.running else 'stopped'}>"
