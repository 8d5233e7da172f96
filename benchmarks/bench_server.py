"""Section ``server``: the fake's HTTP endpoint against moto's server, and against the in-process path.

Both servers run in this process on a thread of their own, bound to 127.0.0.1 on a free port
(``FakeCloudControl.serve()``, moto's ``ThreadedMotoServer``), and are driven one request at a time
through one keep-alive connection by two kinds of client:

- ``raw``: an ``http.client`` connection sending pre-built requests (headers signed once with SigV4,
  replayed; a fresh body per write), so the time is the server's and the socket's, little else;
- ``botocore``: a botocore client with ``endpoint_url`` (urllib3's keep-alive pool), as a test's code
  or a subprocess's SDK would call it: serialize, sign, send, parse.

The fake answers GetResourceRequestStatus (a read of one request, 5,000 in the registry) and
CreateResource (a write: a new request and, finished at the next call, a new resource); moto answers
the comparable DynamoDB JSON operations, ListTables (a read) and PutItem (a write of a new item).
Every variant runs in every round, interleaved; throughput is the median of the rounds', the latency
percentiles are over every request of every round. Each answer is checked to be a 200.

The server's added cost per call is the botocore client through the server against the same client
code with the fake active in-process (the ``before-send`` hook, no socket).
"""

from __future__ import annotations

import http.client
import itertools
import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.client import BaseClient
from botocore.credentials import Credentials

from benchmarks.clients import CREDENTIALS, LOG_GROUP, REGION, new_client, seed_registry, unique
from benchmarks.harness import Section, Settings, Table, Target, median, ratio, us
from pytest_cloudcontrol import FakeCloudControl
from pytest_cloudcontrol.http import HttpRequest

THROUGHPUT_TARGET = 2.0  # the fake's server answers at least twice as many requests a second as moto's
REGISTRY_SIZE = 5_000
MOTO_TABLE = "bench"
ROOT = Path(__file__).resolve().parent.parent
WARMUP = 20  # a raw round's first requests open and warm its connection, untimed


@dataclass(frozen=True)
class Endpoint:
    """A running server: where it listens and how a raw request for each operation looks."""

    host: str
    port: int
    service: str  # botocore's name for the signing and the client: "cloudcontrol" or "dynamodb"

    @property
    def url(self) -> str:
        """The endpoint URL a client is given."""
        return f"http://{self.host}:{self.port}"


@dataclass(frozen=True)
class Workload:
    """One operation on one server, as both clients send it."""

    server: str
    operation: str
    endpoint: Endpoint
    target: str  # X-Amz-Target
    content_type: str
    params: Callable[[], dict[str, Any]]  # a fresh, valid input for each request

    def client_call(self, client: BaseClient) -> Callable[[], object]:
        """One call of the operation through a botocore client."""
        method = getattr(client, _snake(self.operation))

        def call() -> object:
            answer = method(**self.params())
            assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
            return answer

        return call


@dataclass(frozen=True)
class Round:
    """One round of one variant: its latencies (ns), its throughput, the sockets it opened if known."""

    latencies: list[int]
    throughput: float
    sockets: int | None


@dataclass
class Timing:
    """The requests of one variant: every latency, each round's throughput, the sockets opened."""

    latencies: list[int]
    throughputs: list[float]
    requests: int = 0
    sockets: int | None = None

    def add(self, result: Round) -> None:
        """Count in one more round."""
        self.latencies.extend(result.latencies)
        self.throughputs.append(result.throughput)
        self.requests += len(result.latencies)
        if result.sockets is not None:
            self.sockets = (self.sockets or 0) + result.sockets

    @property
    def keep_alive(self) -> str:
        """Whether the timed requests shared connections (raw clients only)."""
        if self.sockets is None:
            return ""
        return "yes" if self.sockets == 0 else f"no: {self.sockets:,} sockets for {self.requests:,} requests"

    @property
    def requests_per_second(self) -> float:
        """The median of the rounds' throughputs."""
        return median(self.throughputs)

    def percentile(self, fraction: float) -> float:
        """A latency percentile, nanoseconds (nearest rank)."""
        ordered = sorted(self.latencies)
        return float(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))])


def _snake(operation: str) -> str:
    return botocore.xform_name(operation)


def _signed_headers(endpoint: Endpoint, target: str, content_type: str, body: bytes) -> dict[str, str]:
    """The headers of a request SigV4-signed once with the fake credentials (replayed for every body)."""
    request = AWSRequest(
        "POST", endpoint.url + "/", data=body, headers={"X-Amz-Target": target, "Content-Type": content_type}
    )
    credentials = Credentials(CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"])
    signing_name = "cloudcontrolapi" if endpoint.service == "cloudcontrol" else endpoint.service
    SigV4Auth(credentials, signing_name, REGION).add_auth(request)
    headers = {name: str(value) for name, value in request.headers.items()}
    headers.pop("Content-Length", None)
    return headers


class _CountingConnection(http.client.HTTPConnection):
    """A keep-alive connection that counts how often it (re)connected."""

    connects = 0

    def connect(self) -> None:
        """Open the socket, and count it."""
        self.connects += 1
        super().connect()


def raw_session(job: dict[str, Any]) -> dict[str, Any]:
    """One round of raw requests on a fresh keep-alive connection: a warm-up, then the timed ones.

    ``job`` holds the address, the pre-signed headers and one body per request (the first
    ``WARMUP`` are the warm-up). Answers the timed requests' latencies, the whole timed loop's time
    (ns) and how many sockets the timed requests opened (0 when the server kept the connection alive).
    """
    connection = _CountingConnection(job["host"], job["port"])
    headers = job["headers"]
    bodies = [body.encode() for body in job["bodies"]]
    latencies: list[int] = []
    statuses: set[int] = set()
    clock = time.perf_counter_ns
    started = 0
    for index, body in enumerate(bodies):
        if index == WARMUP:
            connection.connects = 0
            latencies.clear()
            started = clock()
        before = clock()
        connection.request("POST", "/", body, headers)
        response = connection.getresponse()
        response.read()
        latencies.append(clock() - before)
        statuses.add(response.status)
    elapsed = clock() - started
    connection.close()
    assert statuses == {200}, f"statuses {statuses}"
    return {"latencies": latencies, "elapsed": elapsed, "sockets": connection.connects}


def _raw_job(workload: Workload, requests: int) -> dict[str, Any]:
    """A round's requests, built before the clock starts: pre-signed headers and a fresh body each."""
    bodies = [json.dumps(workload.params()) for _ in range(WARMUP + requests)]
    return {
        "host": workload.endpoint.host,
        "port": workload.endpoint.port,
        "headers": _signed_headers(
            workload.endpoint, workload.target, workload.content_type, bodies[0].encode()
        ),
        "bodies": bodies,
    }


def _raw_round(workload: Workload, requests: int) -> Round:
    """``requests`` raw requests in a row from this process."""
    answer = raw_session(_raw_job(workload, requests))
    return Round(answer["latencies"], requests / (answer["elapsed"] / 1e9), answer["sockets"])


def _raw_round_elsewhere(workload: Workload, requests: int) -> Round:
    """The same round from a child process (its own interpreter: no GIL shared with the server)."""
    done = subprocess.run(
        [sys.executable, "-c", "from benchmarks.bench_server import child_main; child_main()"],
        input=json.dumps(_raw_job(workload, requests)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    answer = json.loads(done.stdout)
    return Round(answer["latencies"], requests / (answer["elapsed"] / 1e9), answer["sockets"])


def child_main() -> None:
    """The child of ``_raw_round_elsewhere``: a job on stdin, its ``raw_session`` answer on stdout."""
    json.dump(raw_session(json.load(sys.stdin)), sys.stdout)


def _protocol_round(fake: FakeCloudControl, workload: Workload, requests: int) -> Round:
    """The raw round's requests handed straight to ``protocol.serve``: the fake's share, no HTTP."""
    job = _raw_job(workload, requests)
    headers = {name.lower(): value for name, value in job["headers"].items()}
    prepared = [HttpRequest(workload.endpoint.url + "/", headers, body.encode()) for body in job["bodies"]]
    serve = fake._serve  # what the server's WSGI application calls for each request
    for request in prepared[:WARMUP]:
        serve(request)
    latencies: list[int] = []
    statuses: set[int] = set()
    clock = time.perf_counter_ns
    started = clock()
    for request in prepared[WARMUP:]:
        before = clock()
        statuses.add(serve(request).status)
        latencies.append(clock() - before)
    elapsed = clock() - started
    assert statuses == {200}, f"statuses {statuses}"
    return Round(latencies, requests / (elapsed / 1e9), None)


def _client_round(call: Callable[[], object], requests: int) -> Round:
    """``requests`` botocore calls in a row."""
    latencies: list[int] = []
    clock = time.perf_counter_ns
    started = clock()
    for _ in range(requests):
        before = clock()
        call()
        latencies.append(clock() - before)
    elapsed = clock() - started
    return Round(latencies, requests / (elapsed / 1e9), None)


@contextmanager
def _fake_server(fake: FakeCloudControl) -> Iterator[Endpoint]:
    with fake.serve() as server:
        yield Endpoint(server.host, server.port, "cloudcontrol")


@contextmanager
def _moto_server() -> Iterator[Endpoint]:
    from moto.server import ThreadedMotoServer

    # werkzeug logs every request moto serves; quiet, moto is only faster (the comparison, fairer).
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = Endpoint(host, port, "dynamodb")
        _client(endpoint).create_table(
            TableName=MOTO_TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield endpoint
    finally:
        server.stop()
        werkzeug_log.setLevel(level)


def _client(endpoint: Endpoint) -> BaseClient:
    """A botocore client of the endpoint's service with ``endpoint_url`` (its own session)."""
    return botocore.session.get_session().create_client(
        endpoint.service,
        region_name=REGION,
        endpoint_url=endpoint.url,
        aws_access_key_id=CREDENTIALS["aws_access_key_id"],
        aws_secret_access_key=CREDENTIALS["aws_secret_access_key"],
    )


def _fake_workloads(endpoint: Endpoint, token: str) -> list[Workload]:
    content_type = "application/x-amz-json-1.0"
    return [
        Workload(
            "fake",
            "GetResourceRequestStatus",
            endpoint,
            "CloudApiService.GetResourceRequestStatus",
            content_type,
            lambda: {"RequestToken": token},
        ),
        Workload(
            "fake",
            "CreateResource",
            endpoint,
            "CloudApiService.CreateResource",
            content_type,
            lambda: {
                "TypeName": LOG_GROUP,
                "DesiredState": json.dumps({"LogGroupName": unique("bench-server")}),
            },
        ),
    ]


def _moto_workloads(endpoint: Endpoint) -> list[Workload]:
    content_type = "application/x-amz-json-1.0"
    items = itertools.count()
    return [
        Workload("moto", "ListTables", endpoint, "DynamoDB_20120810.ListTables", content_type, dict),
        Workload(
            "moto",
            "PutItem",
            endpoint,
            "DynamoDB_20120810.PutItem",
            content_type,
            lambda: {"TableName": MOTO_TABLE, "Item": {"id": {"S": f"item-{next(items)}"}}},
        ),
    ]


def _measure(
    workloads: Sequence[Workload],
    in_process: dict[str, Callable[[], object]],
    fake: FakeCloudControl,
    settings: Settings,
) -> dict[tuple[str, str, str], Timing]:
    """Every variant, ``rounds`` rounds each, interleaved; keyed by (server, operation, client)."""
    rounds = 3 if settings.quick else 9
    requests = 200 if settings.quick else 1000
    warmup = 20 if settings.quick else 100
    timings: dict[tuple[str, str, str], Timing] = {}
    clients = {w.endpoint: _client(w.endpoint) for w in workloads}
    calls = {(w.server, w.operation): w.client_call(clients[w.endpoint]) for w in workloads}

    def variants() -> Iterator[tuple[tuple[str, str, str], Callable[[int], Round]]]:
        for w in workloads:
            yield (w.server, w.operation, "raw"), lambda n, w=w: _raw_round(w, n)
            yield (w.server, w.operation, "raw, other process"), lambda n, w=w: _raw_round_elsewhere(w, n)
            if w.server == "fake":
                yield (
                    (w.server, w.operation, "protocol.serve, no HTTP"),
                    lambda n, w=w: _protocol_round(fake, w, n),
                )
            call = calls[(w.server, w.operation)]
            yield (w.server, w.operation, "botocore"), lambda n, call=call: _client_round(call, n)
        for operation, call in in_process.items():
            yield ("in-process", operation, "botocore"), lambda n, call=call: _active(fake, call, n)

    chosen = list(variants())
    for _, run_round in chosen:
        run_round(warmup)
    for round_index in range(rounds):
        # Rotate the order every round so drift of the machine hits every variant alike.
        shift = round_index % len(chosen)
        for key, run_round in chosen[shift:] + chosen[:shift]:
            timings.setdefault(key, Timing([], [])).add(run_round(requests))
    return timings


def _active(fake: FakeCloudControl, call: Callable[[], object], requests: int) -> Round:
    """A round of in-process calls: the fake is active (answering in botocore's hook) only meanwhile."""
    fake.start()
    try:
        return _client_round(call, requests)
    finally:
        fake.stop()


def _moto_or_reason() -> AbstractContextManager[Endpoint] | str:
    try:
        import moto.server  # noqa: F401
    except ImportError as error:
        return f"moto's server is not installed (`pip install 'moto[server]'`): {error}"
    return _moto_server()


def run(settings: Settings) -> Section:
    """Time both servers with both clients, and the in-process path; check the throughput target."""
    fake = FakeCloudControl()
    seed_registry(fake, REGISTRY_SIZE)
    token = fake.seed_request(LOG_GROUP, status="IN_PROGRESS", identifier="bench-read").request_token
    in_process_client = new_client()
    in_process = {
        "GetResourceRequestStatus": lambda: in_process_client.get_resource_request_status(RequestToken=token),
        "CreateResource": lambda: in_process_client.create_resource(
            TypeName=LOG_GROUP, DesiredState=json.dumps({"LogGroupName": unique("bench-inproc")})
        ),
    }
    table = Table(
        "HTTP endpoint: the fake's server vs moto's server, one keep-alive client",
        ["Server", "Operation", "Client", "req/s", "p50 µs", "p99 µs", "keep-alive"],
    )
    costs = Table(
        "The server's added cost per call (botocore client: through the server vs in-process)",
        ["Operation", "in-process µs (p50)", "server µs (p50)", "added µs", "ratio"],
    )
    section = Section([table, costs])
    moto = _moto_or_reason()
    with _fake_server(fake) as fake_endpoint:
        workloads = _fake_workloads(fake_endpoint, token)
        if isinstance(moto, str):
            timings = _measure(workloads, in_process, fake, settings)
        else:
            with moto as moto_endpoint:
                workloads += _moto_workloads(moto_endpoint)
                timings = _measure(workloads, in_process, fake, settings)

    for (server, operation, client), timing in timings.items():
        table.add(
            server,
            operation,
            client,
            f"{timing.requests_per_second:,.0f}",
            us(timing.percentile(0.50)),
            us(timing.percentile(0.99)),
            timing.keep_alive,
        )
    table.notes.append(
        "Both servers run in this process (threads; the GIL shared with the client of this process). "
        "`raw` replays pre-signed requests over one `http.client` connection per round (after a "
        f"{WARMUP}-request warm-up), `raw, other process` does the same from a child interpreter, "
        "`botocore` is a client with `endpoint_url` (urllib3's keep-alive pool), `protocol.serve, no HTTP` "
        "hands the raw requests to what the server calls for each (the fake's own share). `keep-alive`: "
        "whether the timed raw requests opened no socket (moto's werkzeug server closes every connection)."
    )
    for operation in in_process:
        local = timings[("in-process", operation, "botocore")].percentile(0.5)
        served = timings[("fake", operation, "botocore")].percentile(0.5)
        costs.add(operation, us(local), us(served), us(served - local), ratio(served, local))

    pairs = [("GetResourceRequestStatus", "ListTables"), ("CreateResource", "PutItem")]
    for operation, peer in pairs:
        for client in ("raw", "botocore"):
            name = f"server {operation} vs moto {peer}, {client} client: throughput"
            if isinstance(moto, str):
                section.targets.append(Target(name, f"≥ {THROUGHPUT_TARGET:.0f}x moto", moto, None))
                continue
            ours = timings[("fake", operation, client)].requests_per_second
            theirs = timings[("moto", peer, client)].requests_per_second
            section.targets.append(
                Target(
                    name,
                    f"≥ {THROUGHPUT_TARGET:.0f}x moto",
                    f"{ours / theirs:.2f}x ({ours:,.0f} vs {theirs:,.0f} req/s)",
                    ours >= THROUGHPUT_TARGET * theirs,
                )
            )
    if isinstance(moto, str):
        table.notes.append(f"moto rows skipped: {moto}")
    return section
