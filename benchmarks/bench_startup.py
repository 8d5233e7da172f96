"""Section 4: the one-time cost a process pays for the fake, against botocore's making of a client.

A test process pays once for importing the fake and for its first start, seed and call; every test
after that pays the per-test costs of the ``fixture`` section. The yardstick is what botocore itself
spends, in the same process, making the application's ``cloudcontrol`` client: absolute times vary
twofold between machines, a ratio in one process much less. Each fresh interpreter, after
``import pytest, botocore.session, boto3`` (a suite testing AWS code imports them anyway), times

- T1: ``import pytest_cloudcontrol.plugin`` and ``from pytest_cloudcontrol import FakeCloudControl``;
- C: the application's ``boto3.client("cloudcontrol", ...)``, made after the plugin import (a client
  made before it carries no handler and cannot be served, by design);
- T2: ``FakeCloudControl()``, ``start()``, ``seed_request(...)`` and the first
  ``cancel_resource_request``;

and the first ``create_resource`` after them, reported apart (it is not part of the target). The
target is the median over processes of (T1 + T2) / C. Each process also reports whether pydantic was
imported by then. The user's AWS config and credentials files are ``/dev/null`` in these processes, so C
is the same whatever the machine's account setup.

The garbage collector: a full collection costs tens of milliseconds here, and it runs in whichever stage
crosses its threshold, which depends on how many objects the earlier stages left (with pydantic loaded,
botocore's client creation crossed none; without it, it crosses one). So the target is judged on
processes that collect before each stage and time it with the GC off, as the harness times every loop;
processes that leave the GC alone are reported beside them.

Bytecode: as in section ``import``, ``PYTHONDONTWRITEBYTECODE`` is unset and ``.pyc`` files go to a
temporary ``PYTHONPYCACHEPREFIX``, filled by a warm-up run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping

from benchmarks.harness import Section, Settings, Table, Target, median

TARGET_RATIO = 1.0

# One process's run; it prints its stage times (nanoseconds) as JSON. With "collected", each stage starts
# after a collection and runs with the GC off (as every loop of the harness does); with "as it falls",
# the GC runs where the process's allocations trigger it.
_SCRIPT = """
import gc, json, sys, time
import pytest, botocore.session, boto3

collected = sys.argv[1] == "collected"
stages = {}


class timed:
    def __init__(self, name):
        self.name = name

    def __enter__(self):
        if collected:
            gc.collect()
            gc.disable()
        self.start = time.perf_counter_ns()

    def __exit__(self, *exc):
        stages[self.name] = time.perf_counter_ns() - self.start
        gc.enable()


with timed("import"):
    import pytest_cloudcontrol.plugin
    from pytest_cloudcontrol import FakeCloudControl
with timed("client"):
    client = boto3.client(
        "cloudcontrol", region_name="us-east-1", aws_access_key_id="AKIDAPP", aws_secret_access_key="x"
    )
with timed("construct"):
    fake = FakeCloudControl()
with timed("start"):
    fake.start()
with timed("seed"):
    request = fake.seed_request("AWS::Logs::LogGroup", status="IN_PROGRESS")
with timed("call"):
    client.cancel_resource_request(RequestToken=request.request_token)
with timed("create"):
    client.create_resource(TypeName="AWS::Logs::LogGroup", DesiredState='{"LogGroupName": "startup"}')
fake.stop()
print(json.dumps({**stages, "pydantic": "pydantic" in sys.modules}))
"""
MODES = ("collected", "as it falls")

# What the same sequence imports after pytest + botocore + boto3, for the breakdown.
_IMPORTS = "import pytest, botocore.session, boto3, sys; sys.stderr.write('--- plugin\\n')\n" + (
    "import pytest_cloudcontrol.plugin\nfrom pytest_cloudcontrol import FakeCloudControl\n"
)
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def _process(env: Mapping[str, str], mode: str) -> dict[str, float]:
    """The stage times of one fresh interpreter, in nanoseconds (and ``pydantic``: whether imported)."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, mode], env=dict(env), capture_output=True, text=True, check=True
    )
    stages: dict[str, float] = json.loads(done.stdout)
    return stages


def _t1(stages: Mapping[str, float]) -> float:
    return stages["import"]


def _t2(stages: Mapping[str, float]) -> float:
    return stages["construct"] + stages["start"] + stages["seed"] + stages["call"]


def _ratio(stages: Mapping[str, float]) -> float:
    return (_t1(stages) + _t2(stages)) / stages["client"]


def _import_self_times(env: Mapping[str, str]) -> dict[str, int]:
    """Module → own import µs of what the plugin and ``FakeCloudControl`` import (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _IMPORTS],
        env=dict(env),
        capture_output=True,
        text=True,
        check=True,
    )
    own: dict[str, int] = {}
    for line in done.stderr.partition("--- plugin\n")[2].splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            own[match.group(4)] = int(match.group(1))
    return own


def run(settings: Settings) -> Section:
    """Measure the one-time cost of the fake against the application's client creation."""
    runs = 7 if settings.quick else 21
    with tempfile.TemporaryDirectory(prefix="cloudcontrol-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(
            PYTHONPYCACHEPREFIX=cache, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull
        )
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            env.pop(name, None)
        _process(env, MODES[0])  # warm-up: compile into the cache
        processes: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
        for _ in range(runs):  # the modes interleaved, so drift of the machine hits them alike
            for mode in MODES:
                processes[mode].append(_process(env, mode))
        imports = [_import_self_times(env) for _ in range(max(3, runs // 3))]

    clients = {mode: median(p["client"] for p in processes[mode]) for mode in MODES}
    ratios = {mode: sorted(_ratio(p) for p in processes[mode]) for mode in MODES}
    table = Table(
        "One-time cost of the fake in a process, against botocore's making of the application's client",
        ["What", "ms, GC collected before each stage", "x C", "ms, GC as it falls", "x C"],
    )

    def add(label: str, cost: Callable[[Mapping[str, float]], float]) -> None:
        cells: list[str] = []
        for mode in MODES:
            value = median(cost(p) for p in processes[mode])
            cells += [f"{value / 1e6:.1f}", f"{value / clients[mode]:.2f}x"]
        table.add(label, *cells)

    def stage(name: str) -> Callable[[Mapping[str, float]], float]:
        return lambda stages: stages[name]

    add("C: `boto3.client('cloudcontrol', ...)`, the yardstick", stage("client"))
    add("T1: `import pytest_cloudcontrol.plugin` + `FakeCloudControl`", _t1)
    add("T2: `FakeCloudControl()`, `start()`, `seed_request()`, first call", _t2)
    add("... `FakeCloudControl()`", stage("construct"))
    add("... `start()`", stage("start"))
    add("... `seed_request('AWS::Logs::LogGroup')` (loads the resource-type data)", stage("seed"))
    add("... first `cancel_resource_request`", stage("call"))
    table.add(
        "**(T1 + T2) / C, median of per-process ratios** (range)",
        *(
            cell
            for mode in MODES
            for cell in (
                "",
                f"**{median(ratios[mode]):.2f}x** ({ratios[mode][0]:.2f}-{ratios[mode][-1]:.2f}x)",
            )
        ),
    )
    add("not in the target: the first `create_resource` after them", stage("create"))
    with_pydantic = sum(1 for mode in MODES for p in processes[mode] if p["pydantic"])
    table.notes.append(
        f"{runs} fresh interpreters per column, the two kinds interleaved, each after `import pytest, "
        "botocore.session, boto3`; bytecode cached in a temporary `PYTHONPYCACHEPREFIX`; AWS config and "
        f"credentials files `/dev/null`; {with_pydantic} of the {2 * runs} imported pydantic. Stage rows "
        "are medians over processes, divided by that column's median C. The target is judged on the "
        "first column: where the GC runs as it falls, a full collection (50-60 ms on this machine) lands "
        "in whichever stage crosses its threshold, which moves with what the process imported before."
    )

    modules = {name for own in imports for name in own}
    own_ms = {name: median(own.get(name, 0) for own in imports) / 1000 for name in modules}
    packages: dict[str, float] = {}
    for name, value in own_ms.items():
        top = name.split(".")[0]
        packages[top] = packages.get(top, 0.0) + value
    by_package = Table(
        "What T1 imports, own import time by top-level package (`-X importtime`)",
        ["Package", "self ms (median)"],
    )
    for package, value in sorted(packages.items(), key=lambda item: -item[1]):
        by_package.add(f"`{package}`", f"{value:.2f}")
    by_package.notes.append(
        f"Median of {len(imports)} runs per module; `-X importtime` adds its own overhead, so these sum "
        "to more than T1."
    )
    by_module = Table("What T1 imports, by module (top 12)", ["Module", "self ms (median)"])
    for name, value in sorted(own_ms.items(), key=lambda item: -item[1])[:12]:
        by_module.add(f"`{name}`", f"{value:.2f}")

    ratio = median(ratios[MODES[0]])
    target = Target(
        "one-time cost ≤ 1.0x client creation",
        f"≤ {TARGET_RATIO:.1f}x",
        f"{ratio:.2f}x ((T1 + T2) / C, median of {runs} processes; GC as it falls: "
        f"{median(ratios[MODES[1]]):.2f}x)",
        ratio <= TARGET_RATIO,
    )
    return Section([table, by_package, by_module], [target])
