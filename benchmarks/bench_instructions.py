"""Section 6: the per-call comparison of section 1, counted in CPU instructions instead of timed.

Wall time on a shared machine moves by several times between repeats, more than the 10 % a target
allows. Instructions executed do not: valgrind's callgrind counts them exactly, so the same code gives
the same count on every run. The counts are taken in one child process run under
``valgrind --tool=callgrind --instr-atstart=no``: it sets up the section 1 variants (the fakes with
5,000 requests, the floor client) uncounted, and switches counting on (``callgrind_control -i on``)
only around each loop of calls, dumping and zeroing the counters between loops. A loop with no calls
measures what switching costs, which is subtracted.

Instructions are not time (a cache miss costs many), so this complements the timed section, it does
not replace it. Skipped when valgrind is not installed (``apt install valgrind``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.bench_calls import CASES, FAKE_TARGET, FAST_TARGET, _Variants
from benchmarks.harness import Section, Settings, Table, Target

_VARIANTS = ("floor", "fake", "fast", "unsigned")
_BASELINE = "baseline"


def _control(*arguments: str) -> None:
    """Send a command to the callgrind instance this process runs under."""
    subprocess.run(["callgrind_control", *arguments, str(os.getpid())], check=True, capture_output=True)


def _child(calls: int) -> None:
    """Run under callgrind: count each case's loop of ``calls`` calls on each variant, one dump each."""
    variants = _Variants()
    _control("-i", "on")
    _control("-i", "off")
    _control(f"--dump={_BASELINE}")
    for index, case in enumerate(CASES):
        variants.capture(case)
        for variant in _VARIANTS:
            variants.time(variant, case, 20)  # warm up, uncounted
            fake = {"fake": variants.fake, "fast": variants.fast}.get(variant)
            if fake is None:
                arguments = case.arguments(None, None, calls)
                client = variants.unsigned if variant == "unsigned" else variants.floor
                method = getattr(client, case.method)
            else:
                fixtures = variants.fake_fixtures if variant == "fake" else variants.fast_fixtures
                arguments = case.arguments(fake, fixtures, calls)
                method = getattr(variants.fake_client, case.method)
                fake.start()
            _control("-z")
            _control("-i", "on")
            for kwargs in arguments:
                method(**kwargs)
            _control("-i", "off")
            _control(f"--dump=case{index}-{variant}")
            if fake is not None:
                fake.stop()
                assert all(call.ok for call in fake.calls[-calls:]), f"{case.label} ({variant})"


def _counts(prefix: Path) -> dict[str, int]:
    """Dump label → instructions counted, from callgrind's output files."""
    counts: dict[str, int] = {}
    for path in prefix.parent.glob(prefix.name + ".*"):
        text = path.read_text(errors="replace")
        label = re.search(r"^desc: Trigger: dump (\S+)", text, re.MULTILINE)
        total = re.search(r"^totals: (\d+)", text, re.MULTILINE)
        if label and total:
            counts[label.group(1)] = int(total.group(1))
    return counts


def run(settings: Settings) -> Section:
    """Count instructions per call of every case on the floor, the fake and the fast fake."""
    table = Table(
        "Per-call cost in CPU instructions (callgrind; same calls as the per-call section)",
        [
            "Operation",
            "floor instr.",
            "fake instr.",
            "fake / floor",
            "fast instr.",
            "fast / floor",
            "unsigned floor / floor (fast's least)",
        ],
    )
    section = Section([table])
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        table.notes.append("Skipped: valgrind is not installed.")
        return section
    calls = 40 if settings.quick else 200
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as directory:
        prefix = Path(directory) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={prefix}",
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(root)!r}); "
            f"from benchmarks.bench_instructions import _child; _child({calls})",
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=root)
        counts = _counts(prefix)
    switching = counts[_BASELINE]
    for index, case in enumerate(CASES):
        per_call = {v: (counts[f"case{index}-{v}"] - switching) / calls for v in _VARIANTS}
        ratios = {v: per_call[v] / per_call["floor"] for v in ("fake", "fast", "unsigned")}
        table.add(
            case.label,
            f"{per_call['floor']:,.0f}",
            f"{per_call['fake']:,.0f}",
            f"{ratios['fake']:.3f}x",
            f"{per_call['fast']:,.0f}",
            f"{ratios['fast']:.3f}x",
            f"{ratios['unsigned']:.3f}x",
        )
        for variant, goal in (("fake", FAKE_TARGET), ("fast", FAST_TARGET)):
            section.targets.append(
                Target(
                    f"{case.label}: {variant} ≤ {goal:.2f}x floor, in instructions",
                    f"≤ {goal:.2f}x",
                    f"{ratios[variant]:.3f}x",
                    ratios[variant] <= goal,
                )
            )
    table.notes.append(
        f"{calls} calls per loop, counted after 20 uncounted warm-up calls; instructions per call = "
        "(the loop's count - the count of switching counting on and off) / calls. One child process "
        "under `valgrind --tool=callgrind --instr-atstart=no`, `PYTHONHASHSEED=0`; the counts repeat "
        "from run to run to within a fraction of a percent."
    )
    return section
