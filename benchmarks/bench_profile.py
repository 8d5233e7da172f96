"""Section 5: where the fake's time goes beyond the floor, for GetResourceRequestStatus and CreateResource.

Two views:

- a cProfile diff: the same calls profiled against the fake and against the floor; functions ranked by
  the own time (``tottime``) per call the fake adds. cProfile inflates small functions, so this ranks;
- the stages of the fake's path, timed one by one without a profiler on a captured request: the
  transport's header copy, body decode, scope, validation, the service, the call log entry, the
  request id, the Date header, the JSON encoding — and, beside some, the cheaper alternative a
  proposed fix would use ("what-if" rows), so each proposal's saving is measured, not guessed.
"""

from __future__ import annotations

import cProfile
import functools
import itertools
import json
import pstats
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from benchmarks.bench_calls import CASES, Case, prepared_fake
from benchmarks.clients import LOG_GROUP, CannedResponder, floor_client, wire_body
from benchmarks.harness import Section, Settings, Table, median_sample, timed_each, timed_loop, us
from pytest_cloudcontrol import protocol
from pytest_cloudcontrol.http import body_bytes
from pytest_cloudcontrol.models import Call, ResourceRequest
from pytest_cloudcontrol.resource_types import _segments
from pytest_cloudcontrol.validation import input_validator

PROFILED = ("GetResourceRequestStatus", "CreateResource")


class _Capture(CannedResponder):
    """A canned responder that also keeps the last request botocore sent."""

    last: AWSPreparedRequest | None = None

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse:
        """Keep the request, answer as the floor does."""
        self.last = request
        return super().__call__(request, **kwargs)


def _profile(call: Callable[..., object], arguments: list[dict[str, Any]]) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    for kwargs in arguments:
        call(**kwargs)
    profiler.disable()
    return pstats.Stats(profiler)


def _own_times(stats: pstats.Stats, calls: int) -> dict[str, float]:
    """Function label → own time in ns per API call."""
    own: dict[str, float] = {}
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    for (filename, line, name), (_, _, tottime, *_rest) in raw.items():
        short = filename.split("site-packages/")[-1].split("/lib/python3")[-1].replace("/work/main/", "")
        own[f"{short}:{line}({name})"] = own.get(f"{short}:{line}({name})", 0.0) + tottime * 1e9 / calls
    return own


def _profile_diff(case: Case, settings: Settings) -> Table:
    fake, fixtures = prepared_fake(fast=False)
    client = fake.client()
    responder = CannedResponder()
    floor = floor_client(responder)
    calls = 300 if settings.quick else 1500
    with fake:
        getattr(client, case.method)(**case.arguments(fake, fixtures, 1)[0])
        responder.use(wire_body(fake.calls[-1].response))
        for _ in range(2):  # warm-up
            getattr(client, case.method)(**case.arguments(fake, fixtures, 1)[0])
        fake_stats = _profile(getattr(client, case.method), case.arguments(fake, fixtures, calls))
    # The floor runs with the fake stopped: while a fake is active it answers every client first.
    for _ in range(2):
        getattr(floor, case.method)(**case.arguments(None, None, 1)[0])
    floor_stats = _profile(getattr(floor, case.method), case.arguments(None, None, calls))
    fake_own, floor_own = _own_times(fake_stats, calls), _own_times(floor_stats, calls)
    added = {name: t - floor_own.get(name, 0.0) for name, t in fake_own.items()}
    total_fake = sum(fake_own.values())
    total_floor = sum(floor_own.values())
    table = Table(
        f"cProfile, {case.operation}: own time the fake adds per call (top 15)",
        ["Function", "added µs / call (profiled)"],
    )
    for name, value in sorted(added.items(), key=lambda item: -item[1])[:15]:
        table.add(f"`{name}`", us(value))
    table.notes.append(
        f"{calls} calls each. Profiled totals: fake {us(total_fake)} µs, floor {us(total_floor)} µs per call "
        "(cProfile roughly doubles both; use the stage table for real costs)."
    )
    return table


def _stages(operation: str, settings: Settings) -> Table:
    """Time the fake's path stage by stage on a captured request, with what-if alternatives."""
    fake, fixtures = prepared_fake(fast=False)
    case = next(c for c in CASES if c.label == operation)
    capture = _Capture()
    capturer = floor_client(capture)
    getattr(capturer, case.method)(**case.arguments(fake, fixtures, 1)[0])
    prepared = capture.last
    assert prepared is not None
    service, endpoint = fake._serve.args  # the fake's own service and endpoint (read, not changed)
    headers = prepared.headers
    body = body_bytes(prepared.body)
    http = protocol.HttpRequest(prepared.url, headers, body)
    params = json.loads(body)
    scope = endpoint.scope(http)
    iterations = 300 if settings.quick else 2000
    unique = itertools.count()

    def fresh_requests(n: int) -> list[protocol.HttpRequest]:
        """Distinct valid requests (a create needs a new name and ClientToken each time)."""
        if operation != "CreateResource":
            return [http] * n
        out = []
        for _ in range(n):
            changed = dict(params)
            changed["DesiredState"] = json.dumps(
                {"LogGroupName": f"stage-{next(unique)}", "RetentionInDays": 7}
            )
            changed["ClientToken"] = str(uuid.uuid4())
            out.append(protocol.HttpRequest(http.url, headers, json.dumps(changed).encode()))
        return out

    with fake:
        answer = service.handle(operation, dict(params), scope)
        request_id = str(uuid.uuid4())
        call_fields: dict[str, Any] = {
            "operation": operation,
            "params": params,
            "status_code": 200,
            "error_code": None,
            "region": scope[1],
            "account_id": scope[0],
            "request_id": request_id,
            "response": answer,
        }
        token = answer["ProgressEvent"]["RequestToken"]
        request = fake.get_request(token)
        stages: list[tuple[str, Callable[[], object]]] = [
            ("transport: `body_bytes(body)`", lambda: body_bytes(prepared.body)),
            ("protocol: `_decode_body` (json.loads)", lambda: protocol._decode_body(body)),
            ("protocol: `endpoint.scope`", lambda: endpoint.scope(http)),
            ("validation: `input_validator(op)(params)`", lambda: input_validator(operation)(params)),
            ("protocol: `str(uuid.uuid4())` request id", lambda: str(uuid.uuid4())),
            ("  what-if: `str(uuid.UUID(int=getrandbits(128), version=4))`", _fast_uuid4),
            ("protocol: `formatdate(usegmt=True)`", lambda: formatdate(usegmt=True)),
            ("  what-if: Date header cached per second", lambda: _http_date(time.time())),
            ("protocol: `Call(...)` (pydantic validation)", lambda: Call(**call_fields)),
            ("  what-if: `Call.model_construct(...)`", lambda: Call.model_construct(**call_fields)),
            ("  what-if: `Call` as a frozen slots dataclass", lambda: _CallRecord(**call_fields)),
            ("protocol: `json.dumps(answer)`", lambda: json.dumps(answer, separators=(",", ":")).encode()),
            (
                "models: `request.progress_event()` (model_dump)",
                lambda: request.progress_event(with_hooks=True),
            ),
            ("  what-if: hand-written `progress_event`", lambda: _progress_event(request)),
            (
                "transport: `AWSResponse(...)` + body",
                lambda: AWSResponse(http.url, 200, _NO_HEADERS, _body(b"{}")),
            ),
        ]
        if operation == "CreateResource":
            log_group = fake._catalog.get(LOG_GROUP)
            assert log_group is not None
            desired = json.loads(params["DesiredState"])
            stages += [
                (
                    "resource_types: `generate_read_only` (the create's effect)",
                    lambda: log_group.generate_read_only(desired, region=scope[1], account_id=scope[0]),
                ),
                ("resource_types: `identifier_of`", lambda: log_group.identifier_of(desired)),
                (
                    "resource_types: `without_write_only` (deepcopy)",
                    lambda: log_group.without_write_only(desired),
                ),
                ("resource_types: `_segments(pointer)`, once", lambda: _segments("/properties/LogGroupName")),
                (
                    "  what-if: `_segments` behind `functools.cache`",
                    lambda: _cached_segments("/properties/LogGroupName"),
                ),
            ]
        table = Table(
            f"Stages of the fake's path, {operation} (µs per call, no profiler)",
            ["Stage", "µs"],
        )
        for label, body_fn in stages:
            body_fn()
            sample = median_sample([timed_loop(body_fn, iterations) for _ in range(settings.repeats)])
            table.add(label, us(sample.wall))
        handle_samples = []
        serve_samples = []
        for _ in range(settings.repeats):
            if operation == "CreateResource":
                handle_args = [
                    {"params": json.loads(r.body), "operation": operation, "scope": scope}
                    for r in fresh_requests(iterations // 4)
                ]
            else:
                handle_args = [{"params": params, "operation": operation, "scope": scope}] * (iterations // 4)
            handle_samples.append(timed_each(service.handle, handle_args))
            requests = [{"request": r} for r in fresh_requests(iterations // 4)]
            serve_samples.append(timed_each(fake._serve, requests))
        table.add("service: `service.handle(op, params, scope)`", us(median_sample(handle_samples).wall))
        table.add("**total: `protocol.serve`**", us(median_sample(serve_samples).wall))
    return table


@dataclass(frozen=True, slots=True)
class _CallRecord:
    """The proposed ``Call``: the same fields as a frozen slots dataclass (no validation)."""

    operation: str
    params: dict[str, Any]
    status_code: int
    error_code: str | None
    region: str
    account_id: str
    request_id: str
    response: dict[str, Any]


_cached_segments = functools.cache(_segments)
_NO_HEADERS: Any = {}


@functools.lru_cache(maxsize=2)
def _http_date_at(second: int) -> str:
    return formatdate(second, usegmt=True)


def _http_date(now: float) -> str:
    """The proposed Date header: formatted once per second."""
    return _http_date_at(int(now))


def _fast_uuid4() -> str:
    return str(uuid.UUID(int=random.getrandbits(128), version=4))


def _body(data: bytes) -> Any:
    from pytest_cloudcontrol.transport.botocore_hook import _Body

    return _Body(data)


def _progress_event(request: ResourceRequest) -> dict[str, Any]:
    """What a hand-written ``ProgressEvent`` encoder costs (the proposed replacement of model_dump)."""
    event: dict[str, Any] = {
        "RequestToken": request.request_token,
        "TypeName": request.type_name,
        "Operation": request.operation.value,
        "OperationStatus": request.status.value,
        "EventTime": round(request.event_time.timestamp(), 3),
    }
    if request.identifier is not None:
        event["Identifier"] = request.identifier
    if request.resource_model is not None:
        event["ResourceModel"] = json.dumps(request.resource_model, separators=(",", ":"))
    if request.status_message is not None:
        event["StatusMessage"] = request.status_message
    if request.error_code is not None:
        event["ErrorCode"] = request.error_code.value
    if request.retry_after is not None:
        event["RetryAfter"] = round(request.retry_after.timestamp(), 3)
    if request.hooks_request_token is not None:
        event["HooksRequestToken"] = request.hooks_request_token
    return event


def run(settings: Settings) -> Section:
    """Profile the two call paths and time their stages."""
    section = Section()
    for operation in PROFILED:
        case = next(c for c in CASES if c.label == operation)
        section.tables.append(_stages(operation, settings))
        section.tables.append(_profile_diff(case, settings))
    return section
