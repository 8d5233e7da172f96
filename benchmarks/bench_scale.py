"""Section 4: how the fake scales with the size of its registry (1k, 10k, 100k requests).

For each size: the time to seed the requests, the memory each takes (``tracemalloc``, in a separate
seeding so tracing does not distort the timing), and the cost of one ``ListResourceRequests`` page of
100 through a botocore client — unfiltered, filtered by a status that ~1% of the requests have, and
filtered by Operations + Statuses — at the start, the middle and the end of the listing (the NextTokens
come from an untimed paginator walk), the sizes interleaved in every repeat. The server-side cost
alone (``service.handle``, no botocore) is shown beside it. Then a full paginator walk of the largest
registry.
"""

from __future__ import annotations

import json
import tracemalloc
from dataclasses import dataclass
from typing import Any

from benchmarks.clients import LOG_GROUP
from benchmarks.harness import (
    Sample,
    Section,
    Settings,
    Table,
    Target,
    minimum_sample,
    ms,
    timed_each,
    timed_loop,
    timed_once,
    us,
)
from pytest_cloudcontrol import FakeCloudControl

PAGE = 100
PAGE_TARGET = 1.5
_OPERATIONS = ("CREATE", "UPDATE", "DELETE")
FILTERS: dict[str, dict[str, Any]] = {
    "unfiltered": {},
    "status FAILED (1%)": {"ResourceRequestStatusFilter": {"OperationStatuses": ["FAILED"]}},
    "DELETE x SUCCESS,FAILED (~30%)": {
        "ResourceRequestStatusFilter": {"Operations": ["DELETE"], "OperationStatuses": ["SUCCESS", "FAILED"]}
    },
}


def seed(fake: FakeCloudControl, size: int) -> None:
    """Seed ``size`` requests: 1% FAILED, 10% IN_PROGRESS, the rest SUCCESS; operations in turn."""
    for index in range(size):
        if index % 100 == 0:
            status, error = "FAILED", "NotFound"
        elif index % 10 == 5:
            status, error = "IN_PROGRESS", None
        else:
            status, error = "SUCCESS", None
        fake.seed_request(
            LOG_GROUP,
            operation=_OPERATIONS[index % 3],
            status=status,
            identifier=f"scale-{index}",
            error_code=error,
        )


def _memory_per_request(size: int) -> float:
    fake = FakeCloudControl()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        seed(fake, size)
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / size


@dataclass
class _Page:
    items: int
    client: Sample
    server: Sample


def _tokens(fake: FakeCloudControl, params: dict[str, Any]) -> list[str | None]:
    """The NextToken that starts each page of a listing (None for the first)."""
    paginator = fake.client().get_paginator("list_resource_requests")
    tokens: list[str | None] = [None]
    for page in paginator.paginate(**params, PaginationConfig={"PageSize": PAGE}):
        if "NextToken" in page:
            tokens.append(page["NextToken"])
    return tokens


def _positions(fake: FakeCloudControl, params: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The calls for the first, the middle and the last page of a listing (where the listing has them)."""
    with fake:
        tokens = _tokens(fake, params)
    calls = {"start": {**params, "MaxResults": PAGE}}
    if len(tokens) > 2:
        calls["middle"] = {**params, "MaxResults": PAGE, "NextToken": tokens[len(tokens) // 2]}
    if len(tokens) > 1:
        calls["end"] = {**params, "MaxResults": PAGE, "NextToken": tokens[-1]}
    return calls


def _measure(
    fakes: dict[int, FakeCloudControl], calls: dict[int, dict[str, Any]], settings: Settings
) -> dict[int, _Page]:
    """Time one page at every registry size, the sizes interleaved in every repeat (minimums kept)."""
    iterations = 5 if settings.quick else 20
    client: Any = next(iter(fakes.values())).client()
    samples: dict[int, tuple[list[Sample], list[Sample]]] = {size: ([], []) for size in calls}
    order = list(calls)
    for repeat in range(settings.repeats):
        shift = repeat % len(order)
        for size in order[shift:] + order[:shift]:
            fake, call = fakes[size], calls[size]
            wire: dict[str, Any] = json.loads(json.dumps(call))
            scope = (fake.account_id, fake.region)
            service = fake._service  # the service alone: the registry's paging plus the events

            def serve(service: Any = service, wire: dict[str, Any] = wire, scope: Any = scope) -> None:
                service.handle("ListResourceRequests", wire, scope)

            with fake:
                samples[size][0].append(timed_each(client.list_resource_requests, [call] * iterations))
                samples[size][1].append(timed_loop(serve, iterations))
    pages = {}
    for size, call in calls.items():
        with fakes[size]:
            items = len(client.list_resource_requests(**call)["ResourceRequestStatusSummaries"])
        client_samples, server_samples = samples[size]
        pages[size] = _Page(items, minimum_sample(client_samples), minimum_sample(server_samples))
    return pages


def run(settings: Settings) -> Section:
    """Seed registries of growing size and time list pages at their start, middle and end."""
    sizes = (1_000, 10_000) if settings.quick else (1_000, 10_000, 100_000)
    seeding = Table(
        "Seeding and memory by registry size",
        ["Requests", "seed time (s)", "µs per seed_request", "memory per request (bytes, tracemalloc)"],
    )
    paging = Table(
        f"ListResourceRequests, one page of {PAGE}, by registry size",
        [
            "Requests",
            "Filter",
            "Position",
            "Items",
            "client µs",
            "client CPU µs",
            "service µs",
            "client CPU / same page at 1k",
            "service / same page at 1k",
        ],
    )
    section = Section([seeding, paging])
    fakes: dict[int, FakeCloudControl] = {}
    for size in sizes:
        memory = _memory_per_request(size)
        fake = FakeCloudControl(fast=False)
        elapsed = timed_once(lambda fake=fake, size=size: seed(fake, size))  # type: ignore[misc]
        seeding.add(f"{size:,}", f"{elapsed / 1e9:.2f}", us(elapsed / size), f"{memory:,.0f}")
        fakes[size] = fake
    smallest, largest_size = sizes[0], sizes[-1]
    for name, params in FILTERS.items():
        positions = {size: _positions(fakes[size], params) for size in sizes}
        for position in ("start", "middle", "end"):
            calls = {size: positions[size][position] for size in sizes if position in positions[size]}
            if largest_size not in calls:
                continue
            # The smallest registry may have no such page (a single page): compare with its first.
            base_call = positions[smallest].get(position, positions[smallest]["start"])
            pages = _measure(fakes, {**calls, smallest: base_call}, settings)
            base = pages[smallest]
            for size in sizes:
                if size not in pages:
                    continue
                page = pages[size]
                factors = [page.client.cpu / base.client.cpu, page.server.wall / base.server.wall]
                note = ""
                if page.items != base.items and base.items:
                    # Fewer matches in the small registry: compare the cost per item returned.
                    scale = base.items / page.items
                    factors = [factor * scale for factor in factors]
                    note = " per item"
                paging.add(
                    f"{size:,}",
                    name,
                    position,
                    page.items,
                    us(page.client.wall),
                    us(page.client.cpu),
                    us(page.server.wall),
                    f"{factors[0]:.2f}x{note}",
                    f"{factors[1]:.2f}x{note}",
                )
                if size == largest_size:
                    section.targets.append(
                        Target(
                            f"page of {PAGE} from {size:,} vs 1k: {name}, {position}",
                            f"≤ {PAGE_TARGET}x",
                            f"{factors[0]:.2f}x{note} (the fake alone: {factors[1]:.2f}x)",
                            factors[0] <= PAGE_TARGET,
                        )
                    )
    largest = fakes[largest_size]
    walk = Table(
        f"Full paginator walk of {sizes[-1]:,} requests (PageSize {PAGE})",
        ["What", "total s", "pages", "ms per page"],
    )
    with largest:
        paginator = largest.client().get_paginator("list_resource_requests")
        counted: list[int] = []

        def walk_all() -> None:
            counted.append(sum(1 for _ in paginator.paginate(PaginationConfig={"PageSize": PAGE})))

        elapsed = timed_once(walk_all)
    walked = counted[0]
    walk.add(
        "unfiltered, through the botocore paginator", f"{elapsed / 1e9:.2f}", walked, ms(elapsed / walked)
    )
    section.tables.append(walk)
    paging.notes.append(
        f"Minimum of {settings.repeats} repeats, the registry sizes interleaved in every repeat (each "
        "fake started for its own loop), so a drift of the machine hits every size alike. client = "
        "through a botocore client (signing, parsing: the same work for the same page at any size); "
        "service = `service.handle` alone, the fake's own cost. Where the 1k registry returns fewer "
        "items (the 1% filter matches 10), the ratios compare the cost per item returned. The client "
        "ratio, which the targets judge, uses CPU time (`thread_time_ns`)."
    )
    return section
