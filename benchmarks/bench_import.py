"""Section 3: what importing the plugin adds to pytest's start-up.

pytest imports the plugin (entry point ``pytest11``) in every run, after it has imported itself; the
plugin also needs botocore, which a suite testing AWS code imports anyway. So the cost that counts is

    python -c "import pytest, botocore.session, pytest_cloudcontrol.plugin"
  - python -c "import pytest, botocore.session"

measured as the median of many interleaved fresh interpreters (wall time of the whole process), and,
from ``-X importtime``, the modules only the plugin brings in, with their own import times.

Bytecode: this sandbox sets ``PYTHONDONTWRITEBYTECODE=1``, so the package's own modules would be
compiled from source on every start. Users have ``.pyc`` files; so the runs here unset it and point
``PYTHONPYCACHEPREFIX`` at a temporary directory (nothing is written into the source tree), after
one warm-up run that fills it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping

from benchmarks.harness import Section, Settings, Table, Target, median, ms

BASE = "import pytest, botocore.session"
WITH_PLUGIN = BASE + ", pytest_cloudcontrol.plugin"
TARGET_MS = 100.0
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def _run(code: str, env: Mapping[str, str], importtime: bool = False) -> tuple[float, str]:
    """Wall nanoseconds of a fresh interpreter running ``code``, and its stderr."""
    command = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", code]
    start = time.perf_counter_ns()
    done = subprocess.run(command, env=dict(env), capture_output=True, text=True, check=True)
    return float(time.perf_counter_ns() - start), done.stderr


def _importtime(stderr: str) -> dict[str, tuple[int, int]]:
    """Module → (self µs, cumulative µs) from ``-X importtime`` output."""
    found: dict[str, tuple[int, int]] = {}
    for line in stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match:
            found[match.group(4)] = (int(match.group(1)), int(match.group(2)))
    return found


def run(settings: Settings) -> Section:
    """Measure the plugin's import cost on top of pytest + botocore."""
    runs = 7 if settings.quick else 21
    with tempfile.TemporaryDirectory(prefix="cloudcontrol-pycache-") as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for code in (BASE, WITH_PLUGIN):  # warm-up: compile into the cache
            _run(code, env)
        base: list[float] = []
        plugin: list[float] = []
        for _ in range(runs):
            base.append(_run(BASE, env)[0])
            plugin.append(_run(WITH_PLUGIN, env)[0])
        base_modules: dict[str, tuple[int, int]] = {}
        plugin_modules: dict[str, tuple[int, int]] = {}
        extra_self: list[float] = []
        plugin_cumulative: list[float] = []
        for _ in range(max(3, runs // 3)):
            base_modules = _importtime(_run(BASE, env, importtime=True)[1])
            plugin_modules = _importtime(_run(WITH_PLUGIN, env, importtime=True)[1])
            extra = {m: t for m, t in plugin_modules.items() if m not in base_modules}
            extra_self.append(sum(t[0] for t in extra.values()) * 1000.0)
            plugin_cumulative.append(plugin_modules["pytest_cloudcontrol.plugin"][1] * 1000.0)
        cold_env = dict(os.environ)
        cold_env["PYTHONDONTWRITEBYTECODE"] = "1"
        cold = median(
            _run(WITH_PLUGIN, cold_env)[0] - _run(BASE, cold_env)[0] for _ in range(max(3, runs // 3))
        )

    difference = median(p - b for p, b in zip(plugin, base, strict=True))
    table = Table(
        "Plugin import cost added to pytest start-up",
        ["What", "ms"],
    )
    table.add('`python -c "import pytest, botocore.session"` (whole process)', ms(median(base)))
    table.add("... `, pytest_cloudcontrol.plugin` (whole process)", ms(median(plugin)))
    table.add("**difference (median of paired runs)**", ms(difference))
    table.add(
        "`-X importtime`: cumulative of `pytest_cloudcontrol.plugin` after pytest + botocore",
        ms(median(plugin_cumulative)),
    )
    table.add("`-X importtime`: self time of every module only the plugin imports", ms(median(extra_self)))
    table.add("difference without any .pyc of the package (`PYTHONDONTWRITEBYTECODE=1`)", ms(cold))
    table.notes.append(
        f"{runs} paired fresh interpreters, bytecode cached in a temporary `PYTHONPYCACHEPREFIX`."
    )

    extra = {m: t for m, t in plugin_modules.items() if m not in base_modules}
    top = Table(
        "Modules only the plugin imports, by own import time (one `-X importtime` run)",
        ["Module", "self ms", "cumulative ms"],
    )
    for module, (own, cumulative) in sorted(extra.items(), key=lambda item: -item[1][0])[:12]:
        top.add(f"`{module}`", f"{own / 1000:.2f}", f"{cumulative / 1000:.2f}")
    top.notes.append(
        f"{len(extra)} modules in all; self times sum to {sum(t[0] for t in extra.values()) / 1000:.1f} ms."
    )

    packages: dict[str, int] = {}
    for module, (own, _) in extra.items():
        packages[module.split(".")[0]] = packages.get(module.split(".")[0], 0) + own
    by_package = Table(
        "Modules only the plugin imports, self time by top-level package (same run)",
        ["Package", "self ms"],
    )
    for package, own in sorted(packages.items(), key=lambda item: -item[1])[:10]:
        by_package.add(f"`{package}`", f"{own / 1000:.2f}")

    target = Target(
        "plugin import on top of pytest + botocore",
        f"< {TARGET_MS:.0f} ms",
        f"{ms(difference)} ms",
        difference / 1e6 < TARGET_MS,
    )
    return Section([table, by_package, top], [target])
