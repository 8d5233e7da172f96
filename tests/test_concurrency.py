"""Many threads at once against one fake, each with its own botocore client.

Every test starts its workers behind a barrier, so they really call at the same time, and joins them with
a timeout: a deadlock fails the test (the threads are daemons), it never hangs the suite. While the
workers run, the test thread seeds and inspects the fake through its facade.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_cloudcontrol import FakeCloudControl
from pytest_cloudcontrol.lifecycle import Progression
from pytest_cloudcontrol.models import OperationStatus

TYPE = "AWS::Logs::LogGroup"
THREADS = 16
JOIN_TIMEOUT = 30.0
# One attempt per call: what a worker sees is what the fake answered, not what a retry made of it.
CONFIG = Config(retries={"total_max_attempts": 1}, max_pool_connections=4)
TOKEN_IN_MESSAGE = re.compile(r"RequestToken\s+([a-fA-F0-9-]+)")


def _clients(fake: FakeCloudControl, count: int) -> list[Any]:
    # botocore's session is not thread-safe for making clients: make them here, use them in the workers.
    return [fake.client(config=CONFIG) for _ in range(count)]


class Workers:
    """Threads that start together and must all finish within ``JOIN_TIMEOUT``."""

    def __init__(self, targets: list[Callable[[], Any]]) -> None:
        self.results: list[Any] = [None] * len(targets)
        self.errors: list[BaseException] = []
        self._barrier = threading.Barrier(len(targets))
        self._threads = [
            threading.Thread(target=self._run, args=(index, target), name=f"worker-{index}", daemon=True)
            for index, target in enumerate(targets)
        ]

    def _run(self, index: int, target: Callable[[], Any]) -> None:
        try:
            self._barrier.wait(timeout=JOIN_TIMEOUT)
            self.results[index] = target()
        except BaseException as error:  # reported by join()
            self.errors.append(error)

    def start(self) -> Workers:
        for thread in self._threads:
            thread.start()
        return self

    @property
    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def join(self) -> list[Any]:
        deadline = time.monotonic() + JOIN_TIMEOUT
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [thread.name for thread in self._threads if thread.is_alive()]
        assert not stuck, f"threads still running after {JOIN_TIMEOUT}s (deadlock?): {stuck}"
        if self.errors:
            raise self.errors[0]
        return self.results


def _watch(workers: Workers, step: Callable[[], None]) -> int:
    """Run ``step`` on the test thread until the workers are done (bounded); return how many times."""
    deadline = time.monotonic() + JOIN_TIMEOUT
    steps = 0
    while workers.running and time.monotonic() < deadline:
        step()
        steps += 1
        time.sleep(0.001)
    return steps


def _wire(event: dict[str, Any]) -> dict[str, Any]:
    """A ProgressEvent botocore parsed, back in wire form (timestamps as epoch seconds)."""
    return {
        key: round(value.timestamp(), 3) if hasattr(value, "timestamp") else value
        for key, value in event.items()
    }


def _code(error: ClientError) -> str:
    return str(error.response["Error"]["Code"])


# -- cancelling the same requests from every thread ---------------------------------------------


def test_each_request_is_cancelled_exactly_once(cloudcontrol: FakeCloudControl) -> None:
    tokens = [cloudcontrol.seed_request(TYPE, identifier=f"g{i}").request_token for i in range(40)]
    bystanders: list[str] = []

    def canceller(client: Any, seed: int) -> list[tuple[str, dict[str, Any]]]:
        order = tokens[:]
        random.Random(seed).shuffle(order)
        answers = []
        for token in order:
            answer = client.cancel_resource_request(RequestToken=token)
            answers.append((token, answer))
        return answers

    clients = _clients(cloudcontrol, THREADS)
    workers = Workers([lambda c=c, i=i: canceller(c, i) for i, c in enumerate(clients)]).start()

    def inspect() -> None:
        # Seed and read from the test thread while the workers cancel.
        if len(bystanders) < 50:
            bystanders.append(cloudcontrol.seed_request(TYPE, identifier=f"b{len(bystanders)}").request_token)
        statuses = Counter(r.status for r in cloudcontrol.requests)
        assert set(statuses) <= {
            OperationStatus.IN_PROGRESS,
            OperationStatus.CANCEL_IN_PROGRESS,
            OperationStatus.CANCEL_COMPLETE,
        }
        cloudcontrol.get_request(tokens[0])
        assert len(cloudcontrol.calls) <= THREADS * len(tokens)

    _watch(workers, inspect)
    results = workers.join()

    by_token: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for answers in results:
        assert len(answers) == len(tokens)
        for token, answer in answers:
            assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
            assert answer["ProgressEvent"]["RequestToken"] == token
            by_token[token].append(answer["ProgressEvent"])
    for token in tokens:
        events = by_token[token]
        assert len(events) == THREADS
        statuses = Counter(event["OperationStatus"] for event in events)
        assert statuses["CANCEL_IN_PROGRESS"] == 1, (token, statuses)
        final = cloudcontrol.get_request(token)
        assert final.status == OperationStatus.CANCEL_COMPLETE
        status = cloudcontrol.client().get_resource_request_status(RequestToken=token)
        unchanged = _wire(status["ProgressEvent"])
        later = [event for event in events if event["OperationStatus"] != "CANCEL_IN_PROGRESS"]
        assert all(_wire(event) == unchanged for event in later), (token, later[:2], unchanged)
        cloudcontrol.assert_cancelled(token)

    cancels = cloudcontrol.calls_to("CancelResourceRequest")
    assert len(cancels) == THREADS * len(tokens)
    assert all(call.ok for call in cancels)
    answered_ids = {answer["ResponseMetadata"]["RequestId"] for answers in results for _, answer in answers}
    assert answered_ids == {call.request_id for call in cancels}
    for token in bystanders:  # nobody cancelled these
        assert cloudcontrol.get_request(token).status == OperationStatus.IN_PROGRESS
        cloudcontrol.assert_not_cancelled(token)


# -- polling: every read is counted once ---------------------------------------------------------


def test_concurrent_polling_counts_every_read_once(cloudcontrol: FakeCloudControl) -> None:
    reads_to_finish = 25
    tokens = [
        cloudcontrol.seed_request(
            TYPE, identifier=f"p{i}", progression=Progression.after_reads(reads_to_finish)
        ).request_token
        for i in range(8)
    ]
    polls = 4  # per thread and token: 16 * 4 = 64 reads per token, more than it takes

    def poller(client: Any) -> dict[str, list[str]]:
        seen: dict[str, list[str]] = defaultdict(list)
        for _ in range(polls):
            for token in tokens:
                event = client.get_resource_request_status(RequestToken=token)["ProgressEvent"]
                seen[token].append(event["OperationStatus"])
        return seen

    workers = Workers([lambda c=c: poller(c) for c in _clients(cloudcontrol, THREADS)]).start()
    _watch(workers, lambda: [cloudcontrol.get_request(token) for token in tokens])
    results = workers.join()

    for token in tokens:
        every = [status for seen in results for status in seen[token]]
        assert len(every) == THREADS * polls
        # The n-th read shows it finished: exactly n - 1 reads saw it in progress, whoever made them.
        assert Counter(every) == {
            "IN_PROGRESS": reads_to_finish - 1,
            "SUCCESS": len(every) - reads_to_finish + 1,
        }
        for seen in results:  # and no thread saw it go back
            statuses = seen[token]
            first_success = statuses.index("SUCCESS") if "SUCCESS" in statuses else len(statuses)
            assert all(status == "SUCCESS" for status in statuses[first_success:]), statuses
        assert cloudcontrol.get_request(token).status == OperationStatus.SUCCESS
    assert len(cloudcontrol.calls_to("GetResourceRequestStatus")) == THREADS * polls * len(tokens)


# -- listing with paginators while others create -------------------------------------------------


def test_paginating_while_creating(cloudcontrol: FakeCloudControl) -> None:
    creators, listers, creates_each = 8, 8, 12
    created: list[str] = []  # tokens whose CreateResource has been answered
    created_lock = threading.Lock()

    def creator(client: Any, index: int) -> list[str]:
        tokens = []
        for number in range(creates_each):
            state = json.dumps({"LogGroupName": f"c{index}-{number}"})
            event = client.create_resource(TypeName=TYPE, DesiredState=state)["ProgressEvent"]
            assert event["OperationStatus"] == "IN_PROGRESS"
            tokens.append(event["RequestToken"])
            with created_lock:
                created.append(event["RequestToken"])
        return tokens

    def lister(client: Any) -> int:
        requests = client.get_paginator("list_resource_requests")
        resources = client.get_paginator("list_resources")
        walks = 0
        while walks < 3 or len(created) < creators * creates_each:
            with created_lock:
                known = set(created)
            walked: list[str] = []
            for page in requests.paginate(PaginationConfig={"PageSize": 5}):
                summaries = page["ResourceRequestStatusSummaries"]
                assert len(summaries) <= 5
                walked.extend(summary["RequestToken"] for summary in summaries)
            assert len(walked) == len(set(walked)), "a request was listed twice in one walk"
            missing = known - set(walked)
            assert not missing, f"answered creates missing from a walk: {sorted(missing)[:3]}"
            identifiers = [
                description["Identifier"]
                for page in resources.paginate(TypeName=TYPE)
                for description in page["ResourceDescriptions"]
            ]
            assert len(identifiers) == len(set(identifiers))
            walks += 1
            if walks > 500:
                break
        return walks

    clients = _clients(cloudcontrol, creators + listers)
    targets: list[Callable[[], Any]] = [
        lambda c=c, i=i: creator(c, i) for i, c in enumerate(clients[:creators])
    ]
    targets += [lambda c=c: lister(c) for c in clients[creators:]]
    workers = Workers(targets).start()
    _watch(workers, lambda: (cloudcontrol.requests, cloudcontrol.resources, cloudcontrol.calls))
    results = workers.join()

    tokens = [token for result in results[:creators] for token in result]
    assert len(tokens) == len(set(tokens)) == creators * creates_each
    requests = {r.request_token: r for r in cloudcontrol.requests}
    assert all(requests[token].status == OperationStatus.SUCCESS for token in tokens)
    names = {r.identifier for r in cloudcontrol.resources}
    assert names == {f"c{i}-{n}" for i in range(creators) for n in range(creates_each)}
    assert all(walks >= 3 for walks in results[creators:])


# -- contended writes on one resource ------------------------------------------------------------


@pytest.mark.cloudcontrol(validate_desired_state=False)  # RetentionInDays as a counter
def test_one_write_in_flight_on_a_shared_resource(cloudcontrol: FakeCloudControl) -> None:
    cloudcontrol.seed_resource(TYPE, {"LogGroupName": "shared", "RetentionInDays": 1})
    # Updates stay in flight until the test thread completes them; creates finish at once.
    cloudcontrol.script(TYPE, "UPDATE", progression=Progression.manual())
    writers, attempts, creators = 12, 40, 4
    accepted: dict[str, int] = {}  # token -> the RetentionInDays its patch sets
    accepted_lock = threading.Lock()

    def writer(client: Any, index: int) -> Counter[str]:
        outcomes: Counter[str] = Counter()
        for attempt in range(attempts):
            value = index * 1000 + attempt + 2
            patch = json.dumps([{"op": "replace", "path": "/RetentionInDays", "value": value}])
            try:
                event = client.update_resource(TypeName=TYPE, Identifier="shared", PatchDocument=patch)
            except ClientError as error:
                refused: dict[str, Any] = error.response["Error"]
            else:
                refused = {}
            if refused:
                assert refused["Code"] == "ConcurrentOperationException", refused
                match = TOKEN_IN_MESSAGE.search(refused["Message"])
                assert match is not None, refused["Message"]
                outcomes[f"busy:{match.group(1)}"] += 1
                outcomes["busy"] += 1
                continue
            token = event["ProgressEvent"]["RequestToken"]
            assert event["ProgressEvent"]["OperationStatus"] == "IN_PROGRESS"
            with accepted_lock:
                accepted[token] = value
            outcomes["accepted"] += 1
        return outcomes

    def creator(client: Any, index: int) -> list[str]:
        return [
            client.create_resource(
                TypeName=TYPE, DesiredState=json.dumps({"LogGroupName": f"own-{index}-{n}"})
            )["ProgressEvent"]["RequestToken"]
            for n in range(20)
        ]

    clients = _clients(cloudcontrol, writers + creators)
    targets: list[Callable[[], Any]] = [
        lambda c=c, i=i: writer(c, i) for i, c in enumerate(clients[:writers])
    ]
    targets += [lambda c=c, i=i: creator(c, i) for i, c in enumerate(clients[writers:])]
    workers = Workers(targets).start()

    completed: list[str] = []

    def in_flight() -> list[str]:
        return [
            r.request_token for r in cloudcontrol.requests if r.identifier == "shared" and r.status.in_flight
        ]

    def complete_the_running_write() -> None:
        running = in_flight()
        assert len(running) <= 1, f"more than one write in flight on the shared resource: {running}"
        if running:
            cloudcontrol.complete(running[0])
            completed.append(running[0])

    _watch(workers, complete_the_running_write)
    results = workers.join()
    for token in in_flight():
        cloudcontrol.complete(token)
        completed.append(token)

    outcomes = sum((result for result in results[:writers]), Counter())
    assert outcomes["accepted"] + outcomes["busy"] == writers * attempts
    assert outcomes["accepted"] == len(accepted) >= 1
    # Every ConcurrentOperationException named a write that had been accepted.
    named = {key.split(":", 1)[1] for key in outcomes if key.startswith("busy:")}
    assert named <= set(accepted), named - set(accepted)
    # Nothing lost: every accepted write is in the registry, finished, in the order it ran.
    requests = {r.request_token: r for r in cloudcontrol.requests}
    assert set(accepted) <= set(requests)
    assert sorted(completed) == sorted(accepted)
    assert all(requests[token].status == OperationStatus.SUCCESS for token in accepted)
    final = cloudcontrol.get_resource(TYPE, "shared").properties["RetentionInDays"]
    assert final == accepted[completed[-1]]
    updates = cloudcontrol.calls_to("UpdateResource")
    assert len(updates) == writers * attempts
    assert Counter(call.error_code for call in updates) == {
        None: len(accepted),
        "ConcurrentOperationException": outcomes["busy"],
    }
    # The creators' distinct resources all exist.
    created = [token for result in results[writers:] for token in result]
    assert len(created) == creators * 20
    assert all(requests[token].status == OperationStatus.SUCCESS for token in created)
    own = {r.identifier for r in cloudcontrol.resources if r.identifier.startswith("own-")}
    assert own == {f"own-{i}-{n}" for i in range(creators) for n in range(20)}


def test_racing_creates_of_one_identifier_make_one_resource(cloudcontrol: FakeCloudControl) -> None:
    state = json.dumps({"LogGroupName": "contested"})

    def racer(client: Any) -> list[str]:
        outcomes = []
        for _ in range(10):
            try:
                event = client.create_resource(TypeName=TYPE, DesiredState=state)["ProgressEvent"]
            except ClientError as error:
                outcomes.append(_code(error))
            else:
                outcomes.append(event["RequestToken"])
        return outcomes

    workers = Workers([lambda c=c: racer(c) for c in _clients(cloudcontrol, THREADS)]).start()
    _watch(workers, lambda: cloudcontrol.requests)
    results = workers.join()

    outcomes = [outcome for result in results for outcome in result]
    tokens = [outcome for outcome in outcomes if outcome != "ConcurrentOperationException"]
    assert all(len(token) == 36 for token in tokens), set(tokens)
    requests = {r.request_token: r for r in cloudcontrol.requests}
    statuses = Counter(requests[token].status for token in tokens)
    assert statuses[OperationStatus.SUCCESS] == 1, statuses
    assert set(statuses) <= {OperationStatus.SUCCESS, OperationStatus.FAILED}
    assert all(
        requests[token].error_code == "AlreadyExists"
        for token in tokens
        if requests[token].status == OperationStatus.FAILED
    )
    assert [r.identifier for r in cloudcontrol.resources] == ["contested"]
    assert len(cloudcontrol.calls_to("CreateResource")) == THREADS * 10


@pytest.mark.cloudcontrol(queue_concurrent_writes=True, validate_desired_state=False)  # a counter
def test_queued_writes_run_one_at_a_time(cloudcontrol: FakeCloudControl) -> None:
    """With queueing on, contended writes wait as PENDING and all run, one after the other."""
    cloudcontrol.seed_resource(TYPE, {"LogGroupName": "queued", "RetentionInDays": 1})
    cloudcontrol.script(TYPE, "UPDATE", progression=Progression.manual())

    def writer(client: Any, index: int) -> list[str]:
        tokens = []
        for attempt in range(5):
            patch = json.dumps([{"op": "replace", "path": "/RetentionInDays", "value": index * 10 + attempt}])
            event = client.update_resource(TypeName=TYPE, Identifier="queued", PatchDocument=patch)
            assert event["ProgressEvent"]["OperationStatus"] in ("IN_PROGRESS", "PENDING")
            tokens.append(event["ProgressEvent"]["RequestToken"])
        return tokens

    workers = Workers(
        [lambda c=c, i=i: writer(c, i) for i, c in enumerate(_clients(cloudcontrol, THREADS))]
    ).start()

    def step() -> None:
        running = [
            r.request_token
            for r in cloudcontrol.requests
            if r.identifier == "queued" and r.status == OperationStatus.IN_PROGRESS
        ]
        assert len(running) <= 1, running
        if running:
            cloudcontrol.complete(running[0])

    _watch(workers, step)
    tokens = [token for result in workers.join() for token in result]
    deadline = time.monotonic() + JOIN_TIMEOUT
    while time.monotonic() < deadline:
        pending = [r for r in cloudcontrol.requests if r.request_token in set(tokens) and r.status.in_flight]
        if not pending:
            break
        step()
    statuses = Counter(r.status for r in cloudcontrol.requests if r.request_token in set(tokens))
    assert statuses == {OperationStatus.SUCCESS: THREADS * 5}
