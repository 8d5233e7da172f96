"""Section 5: where the fake's time goes beyond the floor.

Two views:

- the stages of the fake's current path for GetResourceRequestStatus and CreateResource, timed one by
  one without a profiler on a captured (signed) request: the transport's ``HttpRequest`` and
  ``AWSResponse``, body decode, target, scope, validation, the service (and, inside it, the steps of
  each operation), the request id, the ``Call`` log entry, the JSON encoding and the response headers,
  and the whole ``protocol.serve`` and ``before-send`` handler for reference;
- a cProfile diff for every operation of the ``calls`` section: the same calls profiled against the
  fake and against the floor, functions ranked by the own time (``tottime``) per call the fake adds.
  cProfile inflates small functions, so this ranks; the stage table gives real costs.
"""

from __future__ import annotations

import cProfile
import itertools
import json
import pstats
import time
from collections.abc import Callable
from typing import Any

from botocore.awsrequest import AWSPreparedRequest, AWSResponse

from benchmarks.bench_calls import CASES, Case, prepared_fake
from benchmarks.clients import LOG_GROUP, CannedResponder, floor_client
from benchmarks.harness import (
    Section,
    Settings,
    Table,
    median_sample,
    minimum_sample,
    timed_each,
    timed_loop,
    us,
)
from pytest_cloudcontrol import protocol
from pytest_cloudcontrol.codec import json_bytes
from pytest_cloudcontrol.http import HttpRequest, body_bytes
from pytest_cloudcontrol.models import Call
from pytest_cloudcontrol.registry import new_token
from pytest_cloudcontrol.service import _properties
from pytest_cloudcontrol.transport import botocore_hook
from pytest_cloudcontrol.transport.botocore_hook import _Body
from pytest_cloudcontrol.validation import input_validator

STAGED = ("GetResourceRequestStatus", "CreateResource")


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


def _profile_diff(case: Case, settings: Settings, top: int) -> Table:
    fake, fixtures = prepared_fake(fast=False)
    client = fake.client()
    responder = CannedResponder()
    floor = floor_client(responder)
    calls = 200 if settings.quick else 1000
    with fake:
        getattr(client, case.method)(**case.arguments(fake, fixtures, 1)[0])
        responder.use(fake.calls[-1].body)
        for _ in range(2):  # warm-up
            getattr(client, case.method)(**case.arguments(fake, fixtures, 1)[0])
        arguments = case.arguments(fake, fixtures, calls)
        fake_stats = _profile(getattr(client, case.method), arguments)
        bad = [call for call in fake.calls[-calls:] if not call.ok]
        assert not bad, f"{case.label}: {bad[0].error_code}"
    # The floor runs with the fake stopped: while a fake is active it answers every client first.
    assert not botocore_hook._active
    for _ in range(2):
        getattr(floor, case.method)(**case.arguments(None, None, 1)[0])
    floor_stats = _profile(getattr(floor, case.method), case.arguments(None, None, calls))
    fake_own, floor_own = _own_times(fake_stats, calls), _own_times(floor_stats, calls)
    added = {name: t - floor_own.get(name, 0.0) for name, t in fake_own.items()}
    ours = {name: t for name, t in fake_own.items() if name.startswith("pytest_cloudcontrol/")}
    total_fake = sum(fake_own.values())
    total_floor = sum(floor_own.values())
    table = Table(
        f"cProfile, {case.label}: own time the fake adds per call (top {top})",
        ["Function", "added µs / call (profiled)"],
    )
    for name, value in sorted(added.items(), key=lambda item: -item[1])[:top]:
        table.add(f"`{name}`", us(value))
    table.notes.append(
        f"{calls} calls each. Profiled totals: fake {us(total_fake)} µs, floor {us(total_floor)} µs "
        "per call; "
        f"own time inside `pytest_cloudcontrol/` {us(sum(ours.values()))} µs "
        "(cProfile roughly doubles everything; use the stage tables for real costs)."
    )
    return table


def _stages(operation: str, settings: Settings) -> Table:
    """Time the fake's current path stage by stage on a captured, signed request."""
    fake, fixtures = prepared_fake(fast=False)
    case = next(c for c in CASES if c.label == operation)
    capture = _Capture()
    capturer = floor_client(capture)
    assert not botocore_hook._active  # else the fake would answer, and a fast one unsign, the request
    getattr(capturer, case.method)(**case.arguments(fake, fixtures, 1)[0])
    prepared = capture.last
    assert prepared is not None
    assert prepared.headers.get("Authorization"), "the captured request is unsigned"
    service, endpoint = fake._serve.args  # the fake's own service and endpoint (read, not changed)
    headers = prepared.headers
    body = body_bytes(prepared.body)
    http = HttpRequest(prepared.url, headers, body)
    params = json.loads(body)
    scope = endpoint.scope(http)
    target = http.header("x-amz-target")
    iterations = 300 if settings.quick else 2000
    unique = itertools.count()

    def fresh_params(n: int) -> list[dict[str, Any]]:
        """Distinct valid inputs (a create needs a new name and ClientToken each time)."""
        if operation != "CreateResource":
            return [params] * n
        out = []
        for _ in range(n):
            changed = dict(params)
            changed["DesiredState"] = json.dumps(
                {"LogGroupName": f"stage-{next(unique)}", "RetentionInDays": 7}
            )
            changed["ClientToken"] = new_token()
            out.append(changed)
        return out

    with fake:
        answer = service.handle(operation, dict(fresh_params(1)[0]), scope)
        response_body = json_bytes(answer)
        call_fields: dict[str, Any] = {
            "operation": operation,
            "params": params,
            "status_code": 200,
            "error_code": None,
            "region": scope[1],
            "account_id": scope[0],
            "request_id": new_token(),
            "body": response_body,
        }
        registry = service.registry
        token = answer["ProgressEvent"]["RequestToken"]
        stages: list[tuple[str, Callable[[], object]]] = [
            (
                "transport: `HttpRequest(url, headers, body_bytes(body))`",
                lambda: HttpRequest(prepared.url, headers, body_bytes(prepared.body)),
            ),
            ("protocol: `header('x-amz-target')` + `_operation`", lambda: protocol._operation(target)),
            ("protocol: `_decode_body` (codec.parse_json)", lambda: protocol._decode_body(body)),
            ("protocol: `endpoint.scope` (SigV4 credential scope)", lambda: endpoint.scope(http)),
            ("service: `faults` test (nothing injected)", lambda: bool(service.faults)),
            ("validation: `input_validator(op)(params)`", lambda: input_validator(operation)(params)),
            ("service: `registry.tick()` (nothing due)", registry.tick),
            ("registry: `new_token()` (request id)", new_token),
            ("models: `Call(...)` (slots dataclass)", lambda: Call(**call_fields)),
            ("codec: `json_bytes(answer)`", lambda: json_bytes(answer)),
            (
                "protocol: response headers (`_http_date` cached per second)",
                lambda: {
                    "x-amzn-requestid": "x",
                    "content-type": protocol.CONTENT_TYPE,
                    "content-length": str(len(response_body)),
                    "date": protocol._http_date(int(time.time())),
                },
            ),
            (
                "transport: `AWSResponse(...)` + `_Body`",
                lambda: AWSResponse(prepared.url, 200, _NO_HEADERS, _Body(response_body)),
            ),
        ]
        record = registry.find(token, scope)
        assert record is not None
        if operation == "GetResourceRequestStatus":
            stages += [
                ("  service: `registry.find(token, scope)`", lambda: registry.find(token, scope)),
                ("  service: `registry.read(record)`", lambda: registry.read(record)),
                (
                    "  service: `record.event(with_hooks=True)` (cached)",
                    lambda: record.event(with_hooks=True),
                ),
            ]
        else:
            log_group = fake._catalog.get(LOG_GROUP)
            assert log_group is not None
            desired = json.loads(params["DesiredState"])
            full = log_group.generate_read_only(desired, region=scope[1], account_id=scope[0])

            def first_event() -> object:
                record.changed()  # as a state change does: the next read builds and encodes the event
                return record.event(with_hooks=True)

            stages += [
                (
                    "  service: `_properties(DesiredState)` (json.loads, depth check)",
                    lambda: _properties(params["DesiredState"], "DesiredState"),
                ),
                (
                    "  service: ClientToken fingerprint (the input but the token)",
                    lambda: {k: v for k, v in params.items() if k != "ClientToken"},
                ),
                ("  resource_types: `identifier_of`", lambda: log_group.identifier_of(desired)),
                (
                    "  effect: `generate_read_only`",
                    lambda: log_group.generate_read_only(desired, region=scope[1], account_id=scope[0]),
                ),
                ("  effect: `without_write_only`", lambda: log_group.without_write_only(full)),
                ("  registry: `record.event()` (first build + encode of a state)", first_event),
            ]
        table = Table(
            f"Stages of the fake's path, {operation} (µs per call, no profiler)",
            ["Stage", "min µs", "median µs"],
        )
        for label, body_fn in stages:
            body_fn()
            samples = [timed_loop(body_fn, iterations) for _ in range(settings.repeats)]
            table.add(label, us(minimum_sample(samples).wall), us(median_sample(samples).wall))
        handle_samples = []
        serve_samples = []
        answer_samples = []
        n = iterations // 4
        for _ in range(settings.repeats):
            handle_args = [{"params": p, "operation": operation, "scope": scope} for p in fresh_params(n)]
            handle_samples.append(timed_each(service.handle, handle_args))
            requests = [
                {"request": HttpRequest(http.url, headers, json.dumps(p).encode())} for p in fresh_params(n)
            ]
            serve_samples.append(timed_each(fake._serve, requests))
            prepared_requests = [
                {
                    "request": AWSPreparedRequest(
                        prepared.method, prepared.url, headers, json.dumps(p).encode(), False
                    )
                }
                for p in fresh_params(n)
            ]
            answer_samples.append(timed_each(botocore_hook._answer, prepared_requests))
        bad = [call for call in fake.calls if not call.ok]
        assert not bad, f"{operation} stages: {bad[0].error_code}"
        for label, samples in (
            ("service: `service.handle(op, params, scope)`", handle_samples),
            ("**total: `protocol.serve`**", serve_samples),
            ("**total: the `before-send` handler (`_answer`)**", answer_samples),
        ):
            table.add(label, us(minimum_sample(samples).wall), us(median_sample(samples).wall))
    table.notes.append(
        f"{settings.repeats} repeats of {iterations} iterations (service and totals: {iterations // 4} "
        "distinct calls); indented rows are steps inside `service.handle`. The stages are timed in "
        "isolation, so their sum differs a little from the totals (cache and branch effects)."
    )
    return table


_NO_HEADERS: Any = {}


def run(settings: Settings) -> Section:
    """Time the stages of two call paths; profile every operation of the calls section."""
    section = Section()
    for operation in STAGED:
        section.tables.append(_stages(operation, settings))
    for case in CASES:
        section.tables.append(_profile_diff(case, settings, top=8))
    return section
