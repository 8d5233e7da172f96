"""Section 2: per-test cost of the ``cloudcontrol`` fixture (set-up + teardown), and of moto's for scale.

Three ways to measure it, from the most isolated to the most realistic:

- ``FakeCloudControl`` driven as the fixture drives it: construct, start, [``client()``], stop, read
  ``pending_errors``, drop it; empty, and with 1,000 requests seeded by the "test" (the seeding itself
  is not timed, but stopping and freeing a fake that holds them is);
- the plugin's own fixture generator functions, called with a stand-in ``request``;
- pytest itself, in-process: a generated file of N empty tests that take no fixture, ``cloudcontrol``,
  or ``cloudcontrol_client``; (time with - time without) / N is what a user's suite pays per test.

moto's ``mock_aws`` start+stop is timed the same way when moto is installed.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from collections.abc import Callable, Generator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.clients import LOG_GROUP
from benchmarks.harness import Sample, Section, Settings, Table, Target, median, median_sample, ms, timed_loop
from pytest_cloudcontrol import FakeCloudControl
from pytest_cloudcontrol import plugin as cloudcontrol_plugin

FIXTURE_TARGET_MS = 0.3
CLIENT_TARGET_MS = 0.5
SEEDED = 1_000
PEERS_MOTO_MS = 8.0  # peers.md, "Measured costs": mock_aws start+stop


def _fixture_cycle(with_client: bool) -> None:
    fake = FakeCloudControl()
    fake.start()
    if with_client:
        fake.client()
    fake.stop()
    assert not fake.pending_errors


def _seeded_cycles(iterations: int, with_client: bool) -> Sample:
    """Set-up + teardown per test of a fake the test filled with ``SEEDED`` requests (seeding untimed)."""
    wall = cpu = 0
    for _ in range(iterations):
        c0, w0 = time.thread_time_ns(), time.perf_counter_ns()
        fake: FakeCloudControl | None = FakeCloudControl()
        assert fake is not None
        fake.start()
        if with_client:
            fake.client()
        w1, c1 = time.perf_counter_ns(), time.thread_time_ns()
        for _ in range(SEEDED):
            fake.seed_request(LOG_GROUP, status="SUCCESS")
        c2, w2 = time.thread_time_ns(), time.perf_counter_ns()
        fake.stop()
        assert not fake.pending_errors
        fake = None  # freeing the registry is part of the teardown a test pays
        w3, c3 = time.perf_counter_ns(), time.thread_time_ns()
        wall += (w1 - w0) + (w3 - w2)
        cpu += (c1 - c0) + (c3 - c2)
    return Sample(wall / iterations, cpu / iterations)


_NO_MARKERS = SimpleNamespace(
    node=SimpleNamespace(iter_markers=lambda name: iter(()), stash={}), fixturenames=["cloudcontrol"]
)


def _plugin_cycle(with_client: bool) -> None:
    """The plugin's fixture functions, as pytest runs them: generator set-up, then teardown."""
    fixture: Callable[..., Generator[FakeCloudControl, None, None]] = (
        cloudcontrol_plugin.cloudcontrol._get_wrapped_function()
    )
    make_client: Callable[[FakeCloudControl], Any] = (
        cloudcontrol_plugin.cloudcontrol_client._get_wrapped_function()
    )
    generator = fixture(_NO_MARKERS)
    fake = next(generator)
    if with_client:
        make_client(fake)
    next(generator, None)


def _moto_cycle_factory(reset_session: bool) -> Callable[[], None] | None:
    try:
        from moto import mock_aws
    except ImportError:
        return None
    config: Any = {"core": {"reset_boto3_session": reset_session}}

    def cycle() -> None:
        mock = mock_aws(config=config)
        mock.start()
        mock.stop()

    return cycle


class _Durations:
    """A pytest plugin that adds up the set-up and teardown durations pytest reports for each test."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.tests = 0

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count one phase's duration (pytest measures each phase with its own clock)."""
        if report.when in ("setup", "teardown"):
            self.seconds += report.duration
        if report.when == "call":
            self.tests += 1


def _pytest_run(path: Path) -> tuple[Sample, float]:
    """Run pytest in-process on one generated file: the run's cost, and set-up+teardown ns per test."""
    args = [str(path), "-q", "-p", "no:cacheprovider", "--import-mode=importlib", "-o", "addopts="]
    durations = _Durations()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        sample = timed_loop(lambda: pytest.main(args, plugins=[durations]), 1)
    assert durations.tests, f"pytest ran no test from {path}"
    return sample, durations.seconds * 1e9 / durations.tests


def _through_pytest(settings: Settings, tests: int) -> dict[str, tuple[Sample, float]]:
    """Per-test cost of each fixture from in-process pytest runs of generated files.

    Two estimates, each minus the no-fixture file: the whole run's time divided by the number of
    tests, and the set-up + teardown phases as pytest itself times them (much less noisy).
    """
    bodies = {
        "none": "def test_{i}():\n    pass\n",
        "trivial yield fixture": "def test_{i}(trivial):\n    pass\n",
        "cloudcontrol": "def test_{i}(cloudcontrol):\n    pass\n",
        "cloudcontrol_client": "def test_{i}(cloudcontrol_client):\n    pass\n",
    }
    # A do-nothing generator fixture: what pytest's own machinery costs for one fixture.
    header = "import pytest\n\n\n@pytest.fixture\ndef trivial():\n    yield None\n\n\n"
    with tempfile.TemporaryDirectory(prefix="cloudcontrol-bench-") as tmp:
        paths = {}
        for name, body in bodies.items():
            path = Path(tmp) / f"test_{name.split()[0]}.py"
            tests_text = "\n\n".join(body.format(i=i) for i in range(tests))
            path.write_text(header + tests_text, encoding="utf-8")
            paths[name] = path
        for path in paths.values():  # warm-up: imports, plugin loading, first client
            _pytest_run(path)
        runs: dict[str, list[Sample]] = {name: [] for name in bodies}
        phases: dict[str, list[float]] = {name: [] for name in bodies}
        for _ in range(settings.repeats):
            for name, path in paths.items():
                sample, phase_ns = _pytest_run(path)
                runs[name].append(sample)
                phases[name].append(phase_ns)
    whole = {name: median_sample(samples) for name, samples in runs.items()}
    phase = {name: median(values) for name, values in phases.items()}
    base, base_phase = whole["none"], phase["none"]
    result = {
        name: (
            Sample((s.wall - base.wall) / tests, (s.cpu - base.cpu) / tests),
            phase[name] - base_phase,
        )
        for name, s in whole.items()
        if name != "none"
    }
    result["none"] = (Sample(base.wall / tests, base.cpu / tests), base_phase)
    return result


def _measure(settings: Settings, body: Callable[[], object], iterations: int) -> Sample:
    for _ in range(max(1, iterations // 10)):
        body()
    return median_sample([timed_loop(body, iterations) for _ in range(settings.repeats)])


def run(settings: Settings) -> Section:
    """Time the fixtures' set-up + teardown per test, and moto's ``mock_aws`` for comparison."""
    iterations = 200 if settings.quick else 1000
    seeded_iterations = 5 if settings.quick else 20
    table = Table(
        "Per-test cost of the fixtures (set-up + teardown)",
        ["What", "ms per test (wall)", "ms per test (CPU)"],
    )
    section = Section([table])
    rows: dict[str, Sample] = {
        "FakeCloudControl() construct+start+stop, empty": _measure(
            settings, lambda: _fixture_cycle(False), iterations
        ),
        "... + client()": _measure(settings, lambda: _fixture_cycle(True), iterations),
        f"... with {SEEDED:,} requests seeded by the test (seeding not timed)": median_sample(
            [_seeded_cycles(seeded_iterations, False) for _ in range(settings.repeats)]
        ),
        f"... with {SEEDED:,} requests seeded, + client()": median_sample(
            [_seeded_cycles(seeded_iterations, True) for _ in range(settings.repeats)]
        ),
        "plugin fixture function `cloudcontrol`": _measure(
            settings, lambda: _plugin_cycle(False), iterations
        ),
        "plugin fixtures `cloudcontrol` + `cloudcontrol_client`": _measure(
            settings, lambda: _plugin_cycle(True), iterations
        ),
    }
    tests = 100 if settings.quick else 400
    via_pytest = _through_pytest(settings, tests)
    rows[f"pytest in-process, {tests} empty tests, no fixture: whole run per test"] = via_pytest["none"][0]
    rows["pytest: extra per test with `cloudcontrol` (whole run ÷ tests)"] = via_pytest["cloudcontrol"][0]
    rows["pytest: extra per test with `cloudcontrol_client` (whole run ÷ tests)"] = via_pytest[
        "cloudcontrol_client"
    ][0]
    phase_rows = {
        "pytest: set-up+teardown phases per test, no fixture": via_pytest["none"][1],
        "pytest: extra set-up+teardown per test, trivial yield fixture (pytest's own share)": via_pytest[
            "trivial yield fixture"
        ][1],
        "pytest: extra set-up+teardown per test with `cloudcontrol`": via_pytest["cloudcontrol"][1],
        "pytest: extra set-up+teardown per test with `cloudcontrol_client`": via_pytest[
            "cloudcontrol_client"
        ][1],
    }
    for label, value in phase_rows.items():
        rows[label] = Sample(value, float("nan"))

    moto_rows = 0
    for reset in (True, False):
        cycle = _moto_cycle_factory(reset)
        if cycle is None:
            continue
        moto_rows += 1
        label = "default config" if reset else "reset_boto3_session=False"
        rows[f"moto `mock_aws()` start+stop ({label})"] = _measure(
            settings, cycle, 5 if settings.quick else 20
        )
    for label, sample in rows.items():
        table.add(label, ms(sample.wall), "" if sample.cpu != sample.cpu else ms(sample.cpu))
    if not moto_rows:
        table.add("moto `mock_aws()` start+stop (peers.md; moto not installed)", f"~{PEERS_MOTO_MS}", "")
    table.notes.append(
        f"Median of {settings.repeats} repeats. The pytest rows run `pytest.main` in this process on "
        "generated files and subtract the no-fixture run; they include pytest's own fixture machinery. "
        "The set-up+teardown rows add up the phase durations pytest reports (`TestReport.duration`)."
    )

    fixture = rows["plugin fixture function `cloudcontrol`"]
    with_client = rows["plugin fixtures `cloudcontrol` + `cloudcontrol_client`"]
    seeded = rows[f"... with {SEEDED:,} requests seeded by the test (seeding not timed)"]
    pytest_fixture = Sample(via_pytest["cloudcontrol"][1], float("nan"))
    pytest_client = Sample(via_pytest["cloudcontrol_client"][1], float("nan"))
    for name, sample, goal in (
        ("`cloudcontrol` fixture set-up + teardown", fixture, FIXTURE_TARGET_MS),
        ("`cloudcontrol` with 1,000 seeded requests", seeded, FIXTURE_TARGET_MS),
        ("`cloudcontrol` through pytest (extra set-up+teardown per test)", pytest_fixture, FIXTURE_TARGET_MS),
        ("`cloudcontrol` + `cloudcontrol_client`", with_client, CLIENT_TARGET_MS),
        ("`cloudcontrol_client` through pytest (extra set-up+teardown)", pytest_client, CLIENT_TARGET_MS),
    ):
        section.targets.append(
            Target(name, f"< {goal} ms", f"{ms(sample.wall)} ms", sample.wall / 1e6 < goal)
        )
    return section
