"""The control API: a fake driven over HTTP with JSON, for tests in other processes and other languages.

The server routes every path under ``/_cloudcontrol/`` here; ``answer`` is a pure function of the
served fake (a ``Target``: the server), the method, the path and the body, so it is tested without
HTTP. Each route calls the Python method of the same name with the JSON object's members as keyword
arguments, so the checks and the errors are the Python API's: a ``CloudControlUsageError`` is a 400
``{"error": "<its message>"}``, as are a body that is not a JSON object and an argument the method does
not take; an unknown path is a 404, a known path with another method a 405 (its ``error`` names the
methods it takes).

Routes (``<token>`` is a request token; answers are JSON, names in snake_case as in Python)::

    GET  /_cloudcontrol/                       the fake: {"region", "account_id", "time"} (epoch s)
    POST /_cloudcontrol/requests               seed_request(**body) → the request
    GET  /_cloudcontrol/requests               fake.requests → [request, ...]
    GET  /_cloudcontrol/requests/<token>       get_request(token) → the request
    POST /_cloudcontrol/requests/<token>/status    set_status(token, **body) → the request
    POST /_cloudcontrol/requests/<token>/complete  complete(token, **body) → the request
    POST /_cloudcontrol/resources              seed_resource(**body) → the resource
    GET  /_cloudcontrol/resources              fake.resources → [resource, ...]
    POST /_cloudcontrol/errors                 inject_error(**body) → as GET /_cloudcontrol/errors
    POST /_cloudcontrol/network-errors         inject_network_error(**body) → as GET /_cloudcontrol/errors
    GET  /_cloudcontrol/errors                 {"pending": pending_errors as [{"operation", "error_code"}],
                                               "faults": pending_faults as [{fields of Fault}]}
    POST /_cloudcontrol/clock/advance          advance(**body), i.e. {"seconds": n} → {"time"}
    GET  /_cloudcontrol/calls                  the call log → [{"operation", "params", "status_code",
                                               "error_code", "region", "account_id", "request_id",
                                               "answer_lost"}]
    POST /_cloudcontrol/scenario               load(body): a scenario ({"requests": [...], "resources":
                                               [...]}, as fake.load takes) → {"requests": n, "resources": m}
    POST /_cloudcontrol/reset                  fake.reset(): the fake empty again → {}

A request is ``{"request_token", "type_name", "operation", "status", "event_time", "identifier",
"resource_model", "status_message", "error_code", "retry_after", "hooks_request_token", "hooks",
"region", "account_id", "client_token"}`` (times in ISO 8601, absent values null); a resource is
``{"type_name", "identifier", "properties", "region", "account_id"}``. ``seed_request`` takes
``progression`` and ``outcome`` in the JSON forms of scenario files (``scenario.py``): ``"immediate"``,
``"manual"``, ``{"after": seconds}`` or ``{"after_reads": n}``; ``{"status": "SUCCESS"}`` or
``{"error_code": ..., "status_message": ...}`` (FAILED); ``hooks`` as a list of objects of
``HookProgressEvent``'s fields.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from .codec import parse_json
from .errors import CloudControlUsageError

if TYPE_CHECKING:
    from .fake import FakeCloudControl

PREFIX = "/_cloudcontrol"

Answer = tuple[int, Any]
"""An HTTP status and the JSON value of the body."""


def _plain(value: Any) -> Any:
    """A snapshot (request, resource, call, hook event) as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if hasattr(value, "model_dump"):  # a HookProgressEvent
        return _plain(value.model_dump())
    return value


def _call(method: Callable[..., Any], body: Mapping[str, Any], **given: Any) -> Any:
    """``method(**given, **body)``, an argument it does not take or lacks being a usage error."""
    parameters = inspect.signature(method).parameters
    taken = [name for name in parameters if name not in given]
    unknown = sorted(set(body) - set(taken))
    if unknown:
        raise CloudControlUsageError(
            f"{method.__name__} takes no argument {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join(taken)}"
        )
    missing = [
        name for name in taken if name not in body and parameters[name].default is inspect.Parameter.empty
    ]
    if missing:
        raise CloudControlUsageError(f"{method.__name__} needs {', '.join(map(repr, missing))}")
    return method(**given, **body)


class Target(Protocol):
    """What the control API drives: the fake served now (a session's server serves each test's own)."""

    @property
    def fake(self) -> FakeCloudControl:
        """The fake served now."""


Body = dict[str, Any]


def _seed_request(target: Target, body: Body) -> Any:
    from . import scenario  # the JSON forms of progression and outcome are the scenario files' own

    if body.get("progression") is not None:
        body["progression"] = scenario.progression_of(body["progression"])
    if body.get("outcome") is not None:
        body["outcome"] = scenario.outcome_of(body["outcome"])
    return _plain(_call(target.fake.seed_request, body))


def _load(target: Target, body: Body) -> Any:
    target.fake.load(body)
    return {"requests": len(target.fake.requests), "resources": len(target.fake.resources)}


def _pending(target: Target, body: Body) -> Any:
    fake = target.fake
    return {
        "pending": [{"operation": op, "error_code": code} for op, code in fake.pending_errors],
        "faults": _plain(fake.pending_faults),
    }


def _inject_error(target: Target, body: Body) -> Any:
    _call(target.fake.inject_error, body)
    return _pending(target, {})


def _inject_network_error(target: Target, body: Body) -> Any:
    _call(target.fake.inject_network_error, body)
    return _pending(target, {})


def _advance(target: Target, body: Body) -> Any:
    _call(target.fake.advance, body)
    return {"time": target.fake.clock.time()}


def _calls(target: Target, body: Body) -> Any:
    return [
        {
            "operation": call.operation,
            "params": call.params,
            "status_code": call.status_code,
            "error_code": call.error_code,
            "region": call.region,
            "account_id": call.account_id,
            "request_id": call.request_id,
            "answer_lost": call.answer_lost,
        }
        for call in target.fake.calls
    ]


def _about(target: Target, body: Body) -> Any:
    fake = target.fake
    return {"region": fake.region, "account_id": fake.account_id, "time": fake.clock.time()}


def _reset(target: Target, body: Body) -> Any:
    _call(target.fake.reset, body)
    return {}


Handler = Callable[..., Any]

# path → method → what answers it, called with (target, body).
_ROUTES: dict[str, dict[str, Handler]] = {
    "": {"GET": _about},
    "requests": {"GET": lambda target, body: _plain(target.fake.requests), "POST": _seed_request},
    "resources": {
        "GET": lambda target, body: _plain(target.fake.resources),
        "POST": lambda target, body: _plain(_call(target.fake.seed_resource, body)),
    },
    "errors": {"GET": _pending, "POST": _inject_error},
    "network-errors": {"POST": _inject_network_error},
    "clock/advance": {"POST": _advance},
    "calls": {"GET": _calls},
    "reset": {"POST": _reset},
    "scenario": {"POST": _load},
}

# requests/<token>[/<action>] → method → what answers it, called with (target, token, body).
_REQUEST_ROUTES: dict[str, dict[str, Handler]] = {
    "": {"GET": lambda target, token, body: _plain(target.fake.get_request(token))},
    "status": {"POST": lambda target, token, body: _plain(_call(target.fake.set_status, body, token=token))},
    "complete": {"POST": lambda target, token, body: _plain(_call(target.fake.complete, body, token=token))},
}


def _route(path: str) -> tuple[dict[str, Handler], tuple[str, ...]] | None:
    """The methods of a path and the arguments the path itself carries, or None for no such path."""
    if not (path == PREFIX or path.startswith(PREFIX + "/")):
        return None
    rest = path[len(PREFIX) :].strip("/")
    if rest in _ROUTES:
        return _ROUTES[rest], ()
    parts = rest.split("/")
    if parts[0] == "requests" and len(parts) in (2, 3) and parts[1]:
        action = parts[2] if len(parts) == 3 else ""
        if action in _REQUEST_ROUTES:
            return _REQUEST_ROUTES[action], (parts[1],)
    return None


def _body(method: str, body: bytes) -> Body:
    """The JSON object a POST carries (an empty body is ``{}``); GET takes none."""
    if method == "GET" or not body.strip():
        return {}
    try:
        document = parse_json(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise CloudControlUsageError(f"the body must be a JSON object: {error}") from None
    if not isinstance(document, dict):
        raise CloudControlUsageError(f"the body must be a JSON object; got a {type(document).__name__}")
    return document


def answer(target: Target, method: str, path: str, body: bytes) -> Answer:
    """The control API's answer to ``method path`` with ``body`` (JSON): a status and a JSON value."""
    route = _route(path)
    if route is None:
        return 404, {"error": f"no control route {path!r}; the routes are in pytest_cloudcontrol/control.py"}
    methods, arguments = route
    handler = methods.get(method)
    if handler is None:
        return 405, {"error": f"{path} takes {', '.join(sorted(methods))}, not {method}"}
    try:
        return 200, handler(target, *arguments, _body(method, body))
    except CloudControlUsageError as error:
        return 400, {"error": str(error)}
