"""Section 1: per-call cost of the eight operations through a botocore client.

Four variants answer the same calls, side by side in one process, interleaved in every repeat:

- ``floor``: a client whose ``before-send`` handler returns the operation's pre-encoded 200 response
  (the fake's own answer, captured once): botocore's serialize + sign + parse cost and nothing else;
- ``stubber``: botocore's ``Stubber`` with the same (parsed) response; it skips serialization, HTTP
  and parsing, so it is cheaper than the floor;
- ``fake``: ``FakeCloudControl()`` with 5,000 requests in its registry;
- ``fast``: ``FakeCloudControl(fast=True)`` (no SigV4 signing), also with 5,000 requests;
- ``unsigned``: the floor without SigV4, unsigned the way the fast fake unsigns: what a fast fake would
  cost if the fake itself cost nothing, so the least ``fast / floor`` can be.

Operations that change state get a valid, comparable call every iteration: a distinct in-flight
request to cancel, a distinct name to create, a distinct existing resource to delete, an update of a
resource whose previous update has finished (the default progression finishes it before the next
call). Arguments are prepared, and resources seeded, before the clock starts; every fake call of a
timed loop is checked to have answered 200 afterwards.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.stub import Stubber

from benchmarks.clients import (
    BUCKET,
    LOG_GROUP,
    CannedResponder,
    floor_client,
    new_client,
    seed_registry,
    unique,
)
from benchmarks.harness import (
    Sample,
    Section,
    Settings,
    Table,
    Target,
    median,
    median_sample,
    minimum_sample,
    spread,
    timed_each,
    us,
)
from pytest_cloudcontrol import FakeCloudControl
from pytest_cloudcontrol.transport import botocore_hook

REGISTRY_SIZE = 5_000
LISTED_BUCKETS = 20  # ListResources answers 20 descriptions, as ListResourceRequests' default page does
FAKE_TARGET = 1.10
FAST_TARGET = 0.75

Arguments = list[dict[str, Any]]


@dataclass(frozen=True)
class Fixtures:
    """What a fake holds for the benchmark: a finished request and resources to read and update."""

    status_token: str
    finished_token: str
    updated: str
    read: str


@dataclass(frozen=True)
class Case:
    """One operation to time: its client method and how to make ``n`` valid calls' arguments.

    ``arguments(fake, fixtures, n)`` seeds what the calls need in ``fake`` (None: a variant without
    state, which only needs arguments of the same shape).
    """

    label: str
    operation: str
    method: str
    arguments: Callable[[FakeCloudControl | None, Fixtures | None, int], Arguments]


def _cancel(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    if fake is None:
        return [{"RequestToken": str(uuid.uuid4())} for _ in range(n)]
    return [
        {"RequestToken": fake.seed_request(LOG_GROUP, status="IN_PROGRESS").request_token} for _ in range(n)
    ]


def _cancel_finished(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    token = fixtures.finished_token if fixtures else str(uuid.uuid4())
    return [{"RequestToken": token}] * n


def _status(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    token = fixtures.status_token if fixtures else str(uuid.uuid4())
    return [{"RequestToken": token}] * n


def _list_requests(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    return [{}] * n  # the default page: the 20 oldest requests


def _create(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    return [
        {
            "TypeName": LOG_GROUP,
            "DesiredState": json.dumps({"LogGroupName": unique("bench-create"), "RetentionInDays": 7}),
        }
        for _ in range(n)
    ]


def _update(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    identifier = fixtures.updated if fixtures else "bench-updated"
    patch = json.dumps([{"op": "replace", "path": "/RetentionInDays", "value": 14}])
    return [{"TypeName": LOG_GROUP, "Identifier": identifier, "PatchDocument": patch}] * n


def _delete(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    names = [unique("bench-delete") for _ in range(n)]
    if fake is not None:
        for name in names:
            fake.seed_resource(LOG_GROUP, {"LogGroupName": name, "RetentionInDays": 7})
    return [{"TypeName": LOG_GROUP, "Identifier": name} for name in names]


def _get(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    identifier = fixtures.read if fixtures else "bench-read"
    return [{"TypeName": LOG_GROUP, "Identifier": identifier}] * n


def _list_resources(fake: FakeCloudControl | None, fixtures: Fixtures | None, n: int) -> Arguments:
    return [{"TypeName": BUCKET}] * n


CASES = (
    Case("CancelResourceRequest", "CancelResourceRequest", "cancel_resource_request", _cancel),
    Case(
        "CancelResourceRequest (already CANCEL_COMPLETE)",
        "CancelResourceRequest",
        "cancel_resource_request",
        _cancel_finished,
    ),
    Case("GetResourceRequestStatus", "GetResourceRequestStatus", "get_resource_request_status", _status),
    Case("ListResourceRequests (20)", "ListResourceRequests", "list_resource_requests", _list_requests),
    Case("CreateResource", "CreateResource", "create_resource", _create),
    Case("UpdateResource", "UpdateResource", "update_resource", _update),
    Case("DeleteResource", "DeleteResource", "delete_resource", _delete),
    Case("GetResource", "GetResource", "get_resource", _get),
    Case("ListResources (20)", "ListResources", "list_resources", _list_resources),
)


def prepared_fake(fast: bool) -> tuple[FakeCloudControl, Fixtures]:
    """A fake with ``REGISTRY_SIZE`` requests and the resources the cases read, update and list."""
    fake = FakeCloudControl(fast=fast)
    seed_registry(fake, REGISTRY_SIZE)
    status_token = fake.seed_request(
        LOG_GROUP,
        status="SUCCESS",
        identifier="bench-status",
        resource_model={"LogGroupName": "bench-status", "RetentionInDays": 7},
    ).request_token
    finished = fake.seed_request(LOG_GROUP, status="CANCEL_COMPLETE", identifier="bench-cancelled")
    for name in ("bench-updated", "bench-read"):
        fake.seed_resource(
            LOG_GROUP,
            {"LogGroupName": name, "RetentionInDays": 7, "Tags": [{"Key": "team", "Value": "platform"}]},
        )
    for index in range(LISTED_BUCKETS):
        fake.seed_resource(BUCKET, {"BucketName": f"bench-bucket-{index}"})
    return fake, Fixtures(status_token, finished.request_token, "bench-updated", "bench-read")


class _Variants:
    """The four ways of answering, and a uniform way to time ``n`` calls of a case on each."""

    names = ("floor", "stubber", "fake", "fast", "unsigned")

    def __init__(self) -> None:
        self.fake, self.fake_fixtures = prepared_fake(fast=False)
        self.fast, self.fast_fixtures = prepared_fake(fast=True)
        self.fake_client = self.fake.client()
        self.responder = CannedResponder()
        self.floor = floor_client(self.responder)
        self.unsigned = floor_client(self.responder, signed=False)
        self.stub_client = new_client()
        self.stubber = Stubber(self.stub_client)
        self.stubber.activate()
        self.parsed: dict[str, dict[str, Any]] = {}

    def capture(self, case: Case) -> None:
        """Make one call to the fake and keep its answer as the floor's and the Stubber's response."""
        arguments = case.arguments(self.fake, self.fake_fixtures, 1)[0]
        with self.fake:
            result = getattr(self.fake_client, case.method)(**arguments)
        call = self.fake.calls[-1]
        assert call.ok, f"{case.label}: the fake answered {call.status_code} {call.error_code}"
        self.responder.use(call.body)
        self.parsed[case.label] = {k: v for k, v in result.items() if k != "ResponseMetadata"}

    def floor_is_signed(self, case: Case) -> bool:
        """Make one untimed floor call outside any fake, as the timed ones are; whether it was signed."""
        assert not botocore_hook._active, "a fake is active: it would answer, or unsign, the floor"
        self.responder.probe = True
        try:
            getattr(self.floor, case.method)(**case.arguments(None, None, 1)[0])
        finally:
            self.responder.probe = False
        return bool(self.responder.signed)

    def time(self, variant: str, case: Case, n: int) -> Sample:
        """The cost per call of ``n`` calls of ``case`` answered by ``variant``."""
        if variant in ("fake", "fast"):
            fake = self.fake if variant == "fake" else self.fast
            fixtures = self.fake_fixtures if variant == "fake" else self.fast_fixtures
            arguments = case.arguments(fake, fixtures, n)
            with fake:
                elapsed = timed_each(getattr(self.fake_client, case.method), arguments)
            bad = [call for call in fake.calls[-n:] if not call.ok]
            assert not bad, f"{case.label} ({variant}): {bad[0].error_code}"
            return elapsed
        # The floor and the Stubber run with every fake stopped: an active fake would answer the floor
        # client itself (its handler is builtin on every cloudcontrol client), and a fast one would
        # make botocore skip SigV4 for it: the floor would no longer be signed.
        assert not botocore_hook._active
        arguments = case.arguments(None, None, n)
        client: BaseClient = self.unsigned if variant == "unsigned" else self.floor
        if variant == "stubber":
            for _ in range(n):
                self.stubber.add_response(case.method, self.parsed[case.label])
            client = self.stub_client
        return timed_each(getattr(client, case.method), arguments)


def _paired(samples: dict[str, list[Sample]], name: str, cpu: bool = False) -> float:
    """Median over repeats of ``name`` / floor within the same repeat (robust to machine drift)."""
    pairs = zip(samples[name], samples["floor"], strict=True)
    return median((a.cpu / b.cpu) if cpu else (a.wall / b.wall) for a, b in pairs)


def _of_minimums(samples: dict[str, list[Sample]], name: str) -> float:
    """The min over repeats of ``name`` / the min over repeats of the floor: each at its least disturbed."""
    return minimum_sample(samples[name]).wall / minimum_sample(samples["floor"]).wall


def _cell(values: list[Sample]) -> str:
    """``min / median`` of repeats, in µs."""
    return f"{us(minimum_sample(values).wall)} / {us(median_sample(values).wall)}"


def run(settings: Settings) -> Section:
    """Time every case on every variant; report per-call minimums, medians and ratios to the floor."""
    variants = _Variants()
    table = Table(
        f"Per-call cost through a botocore client ({REGISTRY_SIZE:,} requests in the registry)",
        [
            "Operation",
            "floor µs min / med",
            "Stubber µs min",
            "fake µs min / med",
            "fake adds µs (min)",
            "fake / floor: of mins",
            "fake / floor: med ratio",
            "fast µs min / med",
            "fast / floor: of mins",
            "fast / floor: med ratio",
            "CPU med ratio: fake / fast",
            "unsigned floor / floor (fast's least)",
            "spread",
        ],
    )
    section = Section([table])
    worst: dict[str, float] = {"fake": 0.0, "fast": 0.0}
    disagree: list[str] = []
    for case in CASES:
        variants.capture(case)
        assert variants.floor_is_signed(case), f"{case.label}: the floor client did not sign its request"
        samples: dict[str, list[Sample]] = {name: [] for name in _Variants.names}
        for name in _Variants.names:
            variants.time(name, case, settings.warmup_iterations)
        for repeat in range(settings.call_repeats):
            shift = repeat % len(_Variants.names)
            for name in _Variants.names[shift:] + _Variants.names[:shift]:
                samples[name].append(variants.time(name, case, settings.call_iterations))
        assert variants.floor_is_signed(case), f"{case.label}: the floor client did not sign its request"
        of_mins = {name: _of_minimums(samples, name) for name in ("fake", "fast")}
        paired = {name: _paired(samples, name) for name in ("fake", "fast")}
        cpu = {name: _paired(samples, name, cpu=True) for name in ("fake", "fast")}
        noise = max(spread([s.wall for s in values]) for values in samples.values())
        table.add(
            case.label,
            _cell(samples["floor"]),
            us(minimum_sample(samples["stubber"]).wall),
            _cell(samples["fake"]),
            us(minimum_sample(samples["fake"]).wall - minimum_sample(samples["floor"]).wall),
            f"{of_mins['fake']:.2f}x",
            f"{paired['fake']:.2f}x",
            _cell(samples["fast"]),
            f"{of_mins['fast']:.2f}x",
            f"{paired['fast']:.2f}x",
            f"{cpu['fake']:.2f}x / {cpu['fast']:.2f}x",
            f"{_of_minimums(samples, 'unsigned'):.2f}x",
            f"{noise:.0%}",
        )
        for name, goal in (("fake", FAKE_TARGET), ("fast", FAST_TARGET)):
            value = of_mins[name]
            worst[name] = max(worst[name], value)
            if (value <= goal) != (paired[name] <= goal):
                disagree.append(f"{case.label} ({name})")
            section.targets.append(
                Target(
                    f"{case.label}: {name} ≤ {goal:.2f}x floor",
                    f"≤ {goal:.2f}x",
                    f"{value:.2f}x of mins (median ratio {paired[name]:.2f}x, CPU {cpu[name]:.2f}x)",
                    value <= goal,
                )
            )
    table.notes.append(
        f"{settings.call_repeats} repeats x {settings.call_iterations} calls per variant, variants "
        "interleaved and rotated within each repeat, the GC off inside a loop. µs columns: the minimum "
        "and the median over repeats of the per-call average of a loop. Two estimators of each ratio, "
        "side by side: \"of mins\" = the variant's fastest repeat / the floor's fastest repeat (noise "
        "only adds time, so the minimum is the least disturbed measurement; targets are judged on it); "
        '"med ratio" = the median of the per-repeat ratios to the floor of the same repeat (robust to '
        'drift). "fake adds" = min fake - min floor. CPU = median per-repeat ratio of `thread_time_ns`, '
        "a cross-check. floor = a botocore client with a canned `before-send` answer (the fake's own "
        "response bytes): serialize + SigV4 sign + parse; it and the Stubber are timed with every fake "
        "stopped (the package's handlers are builtin on every cloudcontrol client: an active fast fake "
        "would unsign the floor too), and an untimed probe before and after each operation checks that "
        "the floor's requests carry a SigV4 `Authorization` header. fast = `FakeCloudControl(fast=True)` "
        "(unsigned) against that signed floor. unsigned floor = the floor client unsigned as the fast fake "
        "unsigns (a `choose-signer` handler answering UNSIGNED): a fast fake that cost nothing would cost "
        "this, so fast / floor can never be lower. spread = (max - min) / median of the noisiest variant's "
        f"repeats. Worst of mins: fake / floor {worst['fake']:.2f}x, fast / floor {worst['fast']:.2f}x."
    )
    if disagree:
        table.notes.append(
            "The two estimators fall on different sides of the target for: " + "; ".join(disagree) + "."
        )
    return section
