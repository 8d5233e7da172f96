"""Timing primitives and the result tables every benchmark section fills in.

Rules every measurement follows:

- time with ``time.perf_counter_ns`` around a whole loop of many iterations, never around one call;
- warm up first (caches, lazily built validators, botocore's first-call work);
- repeat the loop several times and keep the median of the per-iteration averages, and where a
  ratio to a baseline is the result, also the minimum (the least disturbed repeat: noise on a shared
  machine only ever adds time, so the minimum is the standard robust estimator of a microbenchmark);
- interleave the variants that are compared (fake, floor, ...) inside each repeat, so drift of the
  machine (frequency scaling, a noisy neighbour) hits them alike;
- keep the garbage collector off inside a timed loop (it is collected just before), so a collection
  triggered by one variant's garbage is not billed to another.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Settings:
    """How hard to measure: ``quick`` for a smoke run, the default for numbers worth quoting."""

    quick: bool = False

    @property
    def repeats(self) -> int:
        """Timed repeats per measurement (the median, and for calls the minimum, is reported)."""
        return 3 if self.quick else 21

    @property
    def call_repeats(self) -> int:
        """Timed repeats per variant of the per-call benchmark (more: its loops are short)."""
        return 5 if self.quick else 51

    @property
    def call_iterations(self) -> int:
        """Client calls per timed loop of the per-call benchmark."""
        return 30 if self.quick else 40

    @property
    def warmup_iterations(self) -> int:
        """Untimed calls before the first repeat."""
        return 10 if self.quick else 50


@dataclass(frozen=True)
class Sample:
    """One timed loop's cost per iteration: wall time (``perf_counter_ns``) and this thread's CPU time.

    Wall time is what a test suite waits; CPU time (``thread_time_ns``) is the cross-check that stays
    meaningful when other processes compete for the machine's cores.
    """

    wall: float
    cpu: float


def timed_loop(body: Callable[[], object], iterations: int) -> Sample:
    """Run ``body`` ``iterations`` times with the GC off; the cost per iteration."""
    gc.collect()
    gc.disable()
    try:
        cpu = time.thread_time_ns()
        start = time.perf_counter_ns()
        for _ in range(iterations):
            body()
        elapsed = time.perf_counter_ns() - start
        cpu = time.thread_time_ns() - cpu
    finally:
        gc.enable()
    return Sample(elapsed / iterations, cpu / iterations)


def timed_each(call: Callable[..., object], arguments: Sequence[dict[str, Any]]) -> Sample:
    """Call ``call(**kwargs)`` once per prepared ``arguments`` item with the GC off; the cost per call.

    The arguments are built before the clock starts, so only the calls themselves are timed.
    """
    gc.collect()
    gc.disable()
    try:
        cpu = time.thread_time_ns()
        start = time.perf_counter_ns()
        for kwargs in arguments:
            call(**kwargs)
        elapsed = time.perf_counter_ns() - start
        cpu = time.thread_time_ns() - cpu
    finally:
        gc.enable()
    return Sample(elapsed / len(arguments), cpu / len(arguments))


def timed_once(body: Callable[[], object]) -> float:
    """Time one run of ``body`` (itself a long loop or a big job) with the GC off; nanoseconds."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        body()
        return float(time.perf_counter_ns() - start)
    finally:
        gc.enable()


def median(values: Iterable[float]) -> float:
    """The median of the values."""
    return statistics.median(list(values))


def median_sample(samples: Sequence[Sample]) -> Sample:
    """The medians of the wall and of the CPU times of repeated samples."""
    return Sample(median(s.wall for s in samples), median(s.cpu for s in samples))


def minimum_sample(samples: Sequence[Sample]) -> Sample:
    """The minimums of the wall and of the CPU times of repeated samples (the least disturbed run)."""
    return Sample(min(s.wall for s in samples), min(s.cpu for s in samples))


def spread(values: Sequence[float]) -> float:
    """The relative spread of repeats, (max - min) / median, as a rough noise indicator."""
    mid = statistics.median(values)
    return (max(values) - min(values)) / mid if mid else 0.0


def us(nanoseconds: float) -> str:
    """Format nanoseconds as microseconds."""
    return f"{nanoseconds / 1000:,.1f}"


def ms(nanoseconds: float) -> str:
    """Format nanoseconds as milliseconds."""
    return f"{nanoseconds / 1e6:,.3f}"


def ratio(value: float, base: float) -> str:
    """Format ``value / base`` as ``1.23x``."""
    return f"{value / base:.2f}x" if base else "n/a"


@dataclass(frozen=True)
class Target:
    """One target of the brief and whether it was met."""

    name: str
    goal: str
    measured: str
    passed: bool | None  # None: not measured (e.g. a dependency is missing)

    @property
    def verdict(self) -> str:
        """PASS, FAIL or n/a."""
        return "n/a" if self.passed is None else ("PASS" if self.passed else "FAIL")


@dataclass
class Table:
    """A titled table, rendered as markdown (which also reads well on a terminal)."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        """Append a row; cells are formatted with ``str``."""
        self.rows.append([str(cell) for cell in cells])

    def markdown(self) -> str:
        """The table as a markdown section."""
        widths = [len(h) for h in self.headers]
        for row in self.rows:
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

        def line(cells: Sequence[str]) -> str:
            return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

        out = [f"### {self.title}", "", line(self.headers), line(["-" * w for w in widths])]
        out.extend(line(row) for row in self.rows)
        if self.notes:
            out.append("")
            out.extend(self.notes)
        return "\n".join(out)


@dataclass
class Section:
    """What one benchmark section produced: its tables and the targets it checked."""

    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
